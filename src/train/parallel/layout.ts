// Shared-memory layout of data-parallel training: one Float32Array region per
// variable, laid end to end in a SharedArrayBuffer allocated once per run.
//   weights: every variable a worker must mirror (trainable parameters and
//            BatchNorm running statistics), written by the main thread after
//            each update, read by each worker before its next shard;
//   grads:   one buffer per worker, one region per trainable variable, written
//            by that worker, read by the main thread when the worker reports.
//   control: one Int32 per worker holding the last step it finished, stored
//            with Atomics after its gradients so the main thread's Atomics.load
//            orders the reads after the writes.
import type { Graph } from "../../graph/types.js";

export interface Region {
  readonly name: string;
  readonly shape: readonly number[];
  /** Offset in float32 elements. */
  readonly offset: number;
  readonly size: number;
}

export interface RegionPlan {
  readonly regions: readonly Region[];
  /** Total float32 elements. */
  readonly length: number;
}

export function planRegions(entries: readonly { readonly name: string; readonly shape: readonly number[] }[]): RegionPlan {
  let offset = 0;
  const regions = entries.map(({ name, shape }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const region = { name, shape: [...shape], offset, size };
    offset += size;
    return region;
  });
  return { regions, length: offset };
}

export function sharedFloats(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(Math.max(1, length) * Float32Array.BYTES_PER_ELEMENT));
}

export function view(buffer: Float32Array, region: Region): Float32Array {
  return buffer.subarray(region.offset, region.offset + region.size);
}

/** BatchNormalization's running mean and variance: state the workers must mirror though no gradient reaches it. */
export function batchNormState(graph: Graph): Set<string> {
  const names = new Set<string>();
  for (const node of graph.nodes) {
    if (node.opType !== "BatchNormalization") continue;
    for (const i of [3, 4]) if (node.inputs[i]) names.add(node.inputs[i]!);
  }
  return names;
}
