// The layout pass's NCHW ↔ NHWC transposes (../layout.ts) as one kernel,
// "CompactorChannelsTranspose", in tfjs's wasm memory (module.ts). tfjs
// wasm's Transpose moved ~4 ns per element on these permutations, ten times
// a Relu's pass (1×3×224×224 to NHWC: 0.46–0.60 ms, ours 0.09–0.12 ms;
// measured under load). transpose.c's loop is a plain (N, A, B) → (N, B, A)
// copy for a short channel or spatial side (≤ 16, as at a graph's input or
// before Flatten); with both sides long tfjs's Transpose was faster and runs.
// Inference only: under a gradient tape tf.transpose runs, whose gradient
// tfjs knows.
import { tf } from "../tf.js";
import { heapKernels, ensureKernel, kernelOutput, ownKernelsApply } from "./module.js";

export const TRANSPOSE_KERNEL_NAME = "CompactorChannelsTranspose";

/** Switch for tests and benchmarks that compare with tfjs's Transpose. */
export const channelsTranspose = { enabled: true };

/** transpose.c's SHORT: the longest side its loop takes. */
const SHORT = 16;

function channelsTransposeKernel({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const kernels = heapKernels();
  const { x } = inputs as { x: tf.TensorInfo };
  const toChannelsLast = Boolean(attrs?.toChannelsLast);
  const [n, ...rest] = x.shape as number[];
  // (N, C, S…) → (N, S…, C), or back; S is every spatial dim as one.
  const inner = toChannelsLast ? rest.slice(1) : rest.slice(0, -1);
  const channels = toChannelsLast ? rest[0]! : rest[rest.length - 1]!;
  const spatial = inner.reduce((p, d) => p * d, 1);
  const out = kernelOutput(toChannelsLast ? [n!, ...inner, channels] : [n!, channels, ...inner], x.dtype as "float32" | "int32");
  const [a, bb] = toChannelsLast ? [channels, spatial] : [spatial, channels];
  kernels.transposeInner({ in: kernels.offsetOf(x), out: kernels.offsetOf(out), N: n!, A: a, B: bb });
  return out;
}

/**
 * x (N, C, spatial…) → (N, spatial…, C) when `toChannelsLast`, else the
 * reverse; undefined where this kernel does not apply (another backend,
 * a gradient tape, rank < 3, dtypes other than float32 and int32, no
 * elements, channels and spatial size both above 16).
 */
export function transposeChannels(x: tf.Tensor, toChannelsLast: boolean): tf.Tensor | undefined {
  if (!channelsTranspose.enabled || !ownKernelsApply() || x.rank < 3 || x.size === 0) return undefined;
  const channels = toChannelsLast ? x.shape[1]! : x.shape[x.rank - 1]!;
  if (channels > SHORT && x.size / (x.shape[0]! * channels) > SHORT) return undefined;
  if (x.dtype !== "float32" && x.dtype !== "int32") return undefined;
  ensureKernel(TRANSPOSE_KERNEL_NAME, channelsTransposeKernel);
  return tf.engine().runKernel(TRANSPOSE_KERNEL_NAME, { x } as unknown as tf.NamedTensorMap, { toChannelsLast } as unknown as tf.NamedAttrMap) as tf.Tensor;
}
