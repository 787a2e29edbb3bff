// UnsortedSegmentSum for the wasm backend, which does not ship one. tfjs's
// Gather gradient is built on it, so without it nothing that gathers can train
// on wasm: embedding lookups, and the Slice (non-unit steps), Pad (reflect,
// edge, wrap) and Resize ops, which are gathers underneath. It is wasm's own
// ScatterNd, which sums updates that land on the same index:
//   out[segmentIds[i], …] += x[i, …]
import { tf } from "../tf.js";
import { callKernel, free, type KernelBackend } from "./kernel-call.js";

const BACKEND = "wasm";

function unsortedSegmentSum({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const kb = backend as KernelBackend;
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = attrs as unknown as { numSegments: number };
  const ids = segmentIds.shape.reduce((a, b) => a * b, 1);
  const inner = x.shape.slice(segmentIds.shape.length);
  // ScatterNd wants [n, 1] indices and [n, …inner] updates.
  const indices = callKernel("Reshape", BACKEND, kb, { x: segmentIds }, { shape: [ids, 1] });
  const updates = callKernel("Reshape", BACKEND, kb, { x }, { shape: [ids, ...inner] });
  const out = callKernel("ScatterNd", BACKEND, kb, { indices, updates }, { shape: [numSegments, ...inner] });
  free(kb, indices, updates);
  return out;
}

export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: "UnsortedSegmentSum",
  backendName: BACKEND,
  kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc,
};
