// The import table: every TensorFlow op the graph-model reader turns into
// ONNX, one line per op family.
import { ACTIVATION_OPS } from "./activation.js";
import { CONV_OPS } from "./conv.js";
import { ELEMENTWISE_OPS } from "./elementwise.js";
import { MATMUL_OPS } from "./matmul.js";
import { MISC_OPS } from "./misc.js";
import { POOL_OPS } from "./pool.js";
import { REDUCE_OPS } from "./reduce.js";
import { SHAPE_OPS } from "./shape.js";
import type { ImportOp } from "./types.js";

export const IMPORT_OPS: readonly ImportOp[] = [...ACTIVATION_OPS, ...CONV_OPS, ...ELEMENTWISE_OPS, ...MATMUL_OPS, ...MISC_OPS, ...POOL_OPS, ...REDUCE_OPS, ...SHAPE_OPS];

const BY_OP = new Map<string, ImportOp>(IMPORT_OPS.flatMap((op) => op.tfOps.map((name) => [name, op] as const)));

export function importOpFor(tfOp: string): ImportOp | undefined {
  return BY_OP.get(tfOp);
}

export type { ImportContext, ImportOp, ImportResult, TfType } from "./types.js";
