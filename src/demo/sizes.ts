// What each model of the demo costs on disk: its ONNX file as saved, the same
// file gzipped (unstructured pruning only shrinks a file once it is
// compressed: the zeros are still stored), and its non-zero weights.
import { gzipSync } from "fflate";
import { encodeModel } from "../formats/onnx/index.js";
import type { Graph } from "../graph/types.js";

export interface ModelSizes {
  /** Bytes of the .onnx file save() writes. */
  readonly fileBytes: number;
  /** The same file gzipped (level 9), as it would be shipped compressed. */
  readonly gzipBytes: number;
  /** Non-zero entries of the weight matrices and kernels (initializers of rank ≥ 2, float or integer). */
  readonly nonZeroWeights: number;
}

export function modelSizes(graph: Graph): ModelSizes {
  const file = encodeModel(graph);
  let nonZeroWeights = 0;
  for (const t of graph.initializers.values()) {
    if (t.dims.length < 2 || t.dtype === "string") continue;
    const values = t.data as ArrayLike<number | bigint>;
    for (let i = 0; i < values.length; i++) if (values[i] != 0) nonZeroWeights++;
  }
  return { fileBytes: file.byteLength, gzipBytes: gzipSync(file, { level: 9 }).byteLength, nonZeroWeights };
}
