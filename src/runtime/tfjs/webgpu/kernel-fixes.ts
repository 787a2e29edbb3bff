// Kernels of tfjs-backend-webgpu 4.22 that compactor replaces because they give
// wrong results, registered right after the webgpu backend starts. One file per
// fix, saying what breaks and how the test shows it; add a line here.
import { tf } from "../tf.js";
import { registerWebGpuCast } from "./cast-to-float.js";
import { registerWebGpuPad } from "./pad-any-rank.js";

const FIXES: readonly (() => void)[] = [registerWebGpuCast, registerWebGpuPad];

/** Idempotent: each fix replaces its kernel once. */
export function registerWebGpuKernelFixes(): void {
  for (const fix of FIXES) fix();
}

/** tfjs's own webgpu kernel that a fix replaced, for tests that show the bug it fixes. */
export function replacedKernel(kernelName: string): tf.KernelFunc | undefined {
  return (tf.getKernel(kernelName, "webgpu") as { replaced?: tf.KernelFunc } | undefined)?.replaced;
}
