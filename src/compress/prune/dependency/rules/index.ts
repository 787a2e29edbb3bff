// The channel rules, one entry per ONNX op (ai.onnx domain). An op that is
// not here pins whatever channels it reads (analyze.ts), naming itself.
import type { ChannelRule } from "../types.js";
import { BROADCAST_OPS, UNARY_OPS, broadcasting, unary } from "./elementwise.js";
import { conv, convTranspose } from "./conv.js";
import { gemm, matmul } from "./matmul.js";
import { batchNormalization, instanceNormalization, layerNormalization } from "./normalization.js";
import { expandOp, pad, pool, resize, tile } from "./spatial.js";
import { argReduce, reduce } from "./reduce.js";
import { flatten, reshape, squeeze, transpose, unsqueeze } from "./shape.js";
import { concat, gather, slice, split } from "./join.js";

/** Shape and Size read only sizes; what uses those sizes is checked by shape-taint.ts. */
const readsShape: ChannelRule = () => undefined;

export const CHANNEL_RULES: Readonly<Record<string, ChannelRule>> = Object.freeze({
  ...Object.fromEntries(UNARY_OPS.map((op) => [op, unary])),
  ...Object.fromEntries(BROADCAST_OPS.map((op) => [op, broadcasting()])),
  Conv: conv,
  ConvTranspose: convTranspose,
  Gemm: gemm,
  MatMul: matmul,
  BatchNormalization: batchNormalization,
  InstanceNormalization: instanceNormalization,
  LayerNormalization: layerNormalization,
  MaxPool: pool,
  AveragePool: pool,
  LpPool: pool,
  GlobalAveragePool: pool,
  GlobalMaxPool: pool,
  GlobalLpPool: pool,
  Pad: pad,
  Resize: resize,
  Upsample: resize,
  Tile: tile,
  Expand: expandOp,
  ReduceMean: reduce,
  ReduceSum: reduce,
  ReduceMax: reduce,
  ReduceMin: reduce,
  ReduceProd: reduce,
  ReduceL1: reduce,
  ReduceL2: reduce,
  ReduceLogSumExp: reduce,
  ReduceSumSquare: reduce,
  ArgMax: argReduce,
  ArgMin: argReduce,
  Transpose: transpose,
  Unsqueeze: unsqueeze,
  Squeeze: squeeze,
  Flatten: flatten,
  Reshape: reshape,
  Concat: concat,
  Split: split,
  Slice: slice,
  Gather: gather,
  Shape: readsShape,
  Size: readsShape,
});
