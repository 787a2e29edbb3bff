// Kernels we add to a backend are built from that backend's own kernels,
// called directly on TensorInfos (no tf ops, so nothing is taped or tracked
// twice). Intermediates are freed here as soon as they are consumed.
import { tf } from "../tf.js";

/** The one backend method we need beyond running kernels (tfjs types backends as `{}` here). */
export interface KernelBackend {
  disposeData(dataId: object, force?: boolean): boolean;
}

export function callKernel(
  kernelName: string,
  backendName: string,
  backend: KernelBackend,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap = {},
): tf.TensorInfo {
  const config = tf.getKernel(kernelName, backendName);
  if (config === undefined) {
    // Programming error, not user input: the kernel sets we build on are fixed per backend.
    throw new Error(`kernel ${kernelName} is not registered for backend ${backendName}`);
  }
  const out = config.kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) throw new Error(`kernel ${kernelName} returned several outputs where one was expected`);
  return out;
}

export function free(backend: KernelBackend, ...infos: tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** Permutation that swaps the two innermost axes of a rank-`rank` tensor. */
export function swapInnerAxes(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

export function sizeOf(info: tf.TensorInfo): number {
  return info.shape.reduce((a, b) => a * b, 1);
}
