// The export table: every ONNX op the TF.js graph-model writer converts, one
// line per op family. Adding an op: write its file, add its line.
import { BASIC_OPS } from "./basic.js";
import { CONV_OPS } from "./conv.js";
import { ELEMENTWISE_OPS } from "./elementwise.js";
import { MATMUL_OPS } from "./matmul.js";
import { MISC_OPS } from "./misc.js";
import { NORMALIZATION_OPS } from "./normalization.js";
import { POOL_OPS } from "./pool.js";
import { RECURRENT_OPS } from "./recurrent.js";
import { REDUCE_OPS } from "./reduce.js";
import { RESIZE_OPS } from "./resize.js";
import { SHAPE_OPS } from "./shape.js";
import { SLICE_OPS } from "./slice.js";
import { SOFTMAX_OPS } from "./softmax.js";
import type { ExportOp } from "./types.js";
import { UNARY_OPS } from "./unary.js";

export const EXPORT_OPS: readonly ExportOp[] = [
  ...BASIC_OPS,
  ...CONV_OPS,
  ...ELEMENTWISE_OPS,
  ...MATMUL_OPS,
  ...MISC_OPS,
  ...NORMALIZATION_OPS,
  ...POOL_OPS,
  ...RECURRENT_OPS,
  ...REDUCE_OPS,
  ...RESIZE_OPS,
  ...SHAPE_OPS,
  ...SLICE_OPS,
  ...SOFTMAX_OPS,
  ...UNARY_OPS,
];

const BY_OP = new Map<string, ExportOp[]>();
for (const entry of EXPORT_OPS) {
  const list = BY_OP.get(entry.opType) ?? [];
  list.push(entry);
  list.sort((a, b) => b.since - a.since);
  BY_OP.set(entry.opType, list);
}

/** The newest entry at or below `opset` for an ai.onnx op. */
export function exportOpFor(opType: string, opset: number): ExportOp | undefined {
  return BY_OP.get(opType)?.find((e) => e.since <= opset || opset === 0);
}

export type { ExportContext, ExportOp } from "./types.js";
