// Kernels and gradient fixes a backend needs to train, registered once by
// backends.ts right after it activates a backend: `registerTrainingKernels(name)`.
// One file per kernel; add a kernel by writing its file and adding a line here.
import { tf } from "../tf.js";
import { registerAllGradients } from "./register-tfjs-gradients.js";
import { conv2dBackpropFilterConfig } from "./conv2d-backprop-filter.js";
import { depthwiseConv2dBackpropFilterConfig } from "./depthwise-conv2d-backprop-filter.js";
import { depthwiseConv2dBackpropInputConfig } from "./depthwise-conv2d-backprop-input.js";
import { unsortedSegmentSumConfig } from "./unsorted-segment-sum.js";
import { registerWasmMatMul } from "./wasm-mat-mul.js";

// Gradients are needed on every backend; tfjs-core does not register them itself.
await registerAllGradients();

/** Kernels the backend lacks, by backend name. */
const MISSING_KERNELS: Readonly<Record<string, readonly tf.KernelConfig[]>> = Object.freeze({
  wasm: [
    conv2dBackpropFilterConfig,
    depthwiseConv2dBackpropInputConfig,
    depthwiseConv2dBackpropFilterConfig,
    unsortedSegmentSumConfig,
  ],
});

/** Kernel wrappers that keep gradients on a backend's fast paths. */
const SPEEDUPS: Readonly<Record<string, () => void>> = Object.freeze({
  wasm: registerWasmMatMul,
});

/** Idempotent; unknown backends (cpu, webgpu, tensorflow) need nothing. */
export function registerTrainingKernels(backendName: string): void {
  for (const config of MISSING_KERNELS[backendName] ?? []) {
    if (tf.getKernel(config.kernelName, config.backendName) === undefined) tf.registerKernel(config);
  }
  SPEEDUPS[backendName]?.();
}
