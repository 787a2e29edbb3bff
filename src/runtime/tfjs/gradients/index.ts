// Kernels and gradient fixes a backend needs to train, registered once by
// backends.ts right after it activates a backend: `registerTrainingKernels(name)`.
// One file per kernel; add a kernel by writing its file and adding a line here.
import { tf } from "../tf.js";
import { registerAllGradients } from "./register-tfjs-gradients.js";
import { conv2dBackpropFilterConfig, conv2dBackpropInputConfig } from "./conv2d-backprop.js";
import { compactorConv2dGradConfig } from "./compactor-conv2d.js";
import { compactorDenseGradConfig } from "./compactor-dense.js";
import { compactorBatchNormGradConfig } from "./compactor-batchnorm.js";
import { avgPoolGradConfig, maxPoolGradConfig } from "../kernels/pool.js";
import { depthwiseConv2dBackpropFilterConfig } from "./depthwise-conv2d-backprop-filter.js";
import { depthwiseConv2dBackpropInputConfig } from "./depthwise-conv2d-backprop-input.js";
import { unsortedSegmentSumConfig } from "./unsorted-segment-sum.js";
import { registerWasmMatMul } from "./wasm-mat-mul.js";
import { reluGradConfig } from "./relu.js";
import { identityConfig } from "./identity.js";

// Gradients are needed on every backend; tfjs-core does not register them itself.
await registerAllGradients();

/** Gradients of our own kernels (kernels/), which run on wasm only. */
for (const config of [compactorConv2dGradConfig, compactorDenseGradConfig, compactorBatchNormGradConfig]) tf.registerGradient(config);

/** tfjs's gradients that ours take over on wasm (each falls back to the one it wraps elsewhere). */
const tfjsRelu = tf.getGradient("Relu");
if (tfjsRelu) tf.registerGradient(reluGradConfig(tfjsRelu));

/** Kernels the backend lacks, by backend name. */
const MISSING_KERNELS: Readonly<Record<string, readonly tf.KernelConfig[]>> = Object.freeze({
  wasm: [
    depthwiseConv2dBackpropInputConfig,
    depthwiseConv2dBackpropFilterConfig,
    unsortedSegmentSumConfig,
  ],
});

/** Kernels of the backend that ours replace (same inputs, attrs and results), by backend name. */
const REPLACED_KERNELS: Readonly<Record<string, readonly tf.KernelConfig[]>> = Object.freeze({
  wasm: [conv2dBackpropInputConfig, conv2dBackpropFilterConfig, maxPoolGradConfig, avgPoolGradConfig, identityConfig],
});

/** The backend's own kernels that REPLACED_KERNELS took the place of, to put back (restoreBackendKernels). */
const replaced = new Map<string, tf.KernelConfig | undefined>();

/** Kernel wrappers that keep gradients on a backend's fast paths. */
const SPEEDUPS: Readonly<Record<string, () => void>> = Object.freeze({
  wasm: registerWasmMatMul,
});

/** Idempotent; unknown backends (cpu, webgpu, tensorflow) need nothing. */
export function registerTrainingKernels(backendName: string): void {
  for (const config of MISSING_KERNELS[backendName] ?? []) {
    if (tf.getKernel(config.kernelName, config.backendName) === undefined) tf.registerKernel(config);
  }
  for (const config of REPLACED_KERNELS[backendName] ?? []) {
    const key = `${config.backendName}/${config.kernelName}`;
    const current = tf.getKernel(config.kernelName, config.backendName);
    if (current?.kernelFunc === config.kernelFunc) continue;
    if (!replaced.has(key)) replaced.set(key, current);
    if (current) tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel(config);
  }
  SPEEDUPS[backendName]?.();
}

/** Puts the backend's own kernels back where ours replaced them: the "before" case of benchmarks. */
export function restoreBackendKernels(): void {
  for (const [key, original] of replaced) {
    const [backendName, kernelName] = key.split("/") as [string, string];
    if (tf.getKernel(kernelName, backendName)) tf.unregisterKernel(kernelName, backendName);
    if (original) tf.registerKernel(original);
  }
  replaced.clear();
}
