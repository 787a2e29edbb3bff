// Every OpEntry the tfjs runtime implements, one line per op family. Each
// entry attaches to a version of the shared op table (src/graph/ops/), which
// declares the op's attributes. Adding an op: declare it there, write its
// implementation here with implement(version, …), add its family's line.
import type { OpEntry } from "./types.js";
import { ACTIVATION_OPS } from "./activation.js";
import { CAST_OPS } from "./cast.js";
import { CELU_OPS } from "./celu.js";
import { CONV_OPS } from "./conv.js";
import { CUMSUM_OPS } from "./cumsum.js";
import { DEPTH_TO_SPACE_OPS } from "./depth-to-space.js";
import { DROPOUT_OPS } from "./dropout.js";
import { EINSUM_OPS } from "./einsum.js";
import { ELEMENTWISE_OPS } from "./elementwise.js";
import { FLOAT_CLASS_OPS } from "./float-class.js";
import { GATHER_OPS } from "./gather.js";
import { GELU_OPS } from "./gelu.js";
import { LOGIC_OPS } from "./logic.js";
import { LOSS_OPS } from "./loss.js";
import { MATMUL_OPS } from "./matmul.js";
import { MOD_OPS } from "./mod.js";
import { NORMALIZATION_OPS } from "./normalization.js";
import { ONE_HOT_OPS } from "./one-hot.js";
import { PAD_OPS } from "./pad.js";
import { POOL_OPS } from "./pool.js";
import { RECURRENT_OPS } from "./recurrent.js";
import { REDUCE_OPS } from "./reduce.js";
import { RESIZE_OPS } from "./resize.js";
import { ROUNDING_OPS } from "./rounding.js";
import { REVERSE_SEQUENCE_OPS } from "./reverse-sequence.js";
import { SELECT_OPS } from "./select.js";
import { SHAPE_OPS } from "./shape.js";
import { SLICE_OPS } from "./slice.js";
import { SOFTMAX_OPS } from "./softmax.js";
import { SOFTSIGN_OPS } from "./softsign.js";
import { SPLIT_OPS } from "./split.js";
import { TRANSPOSE_OPS } from "./transpose.js";
import { TRILU_OPS } from "./trilu.js";

export const ALL_OPS: readonly OpEntry[] = [
  ...ACTIVATION_OPS,
  ...CAST_OPS,
  ...CELU_OPS,
  ...CONV_OPS,
  ...CUMSUM_OPS,
  ...DEPTH_TO_SPACE_OPS,
  ...DROPOUT_OPS,
  ...EINSUM_OPS,
  ...ELEMENTWISE_OPS,
  ...FLOAT_CLASS_OPS,
  ...GATHER_OPS,
  ...GELU_OPS,
  ...LOGIC_OPS,
  ...LOSS_OPS,
  ...MATMUL_OPS,
  ...MOD_OPS,
  ...NORMALIZATION_OPS,
  ...ONE_HOT_OPS,
  ...PAD_OPS,
  ...POOL_OPS,
  ...RECURRENT_OPS,
  ...REDUCE_OPS,
  ...RESIZE_OPS,
  ...ROUNDING_OPS,
  ...REVERSE_SEQUENCE_OPS,
  ...SELECT_OPS,
  ...SHAPE_OPS,
  ...SLICE_OPS,
  ...SOFTMAX_OPS,
  ...SOFTSIGN_OPS,
  ...SPLIT_OPS,
  ...TRANSPOSE_OPS,
  ...TRILU_OPS,
];
