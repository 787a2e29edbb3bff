// The op table: every OpEntry the tfjs runtime knows, one line per op family
// or entry. Adding an op is two steps: write its file, add its line here.
import type { OpEntry } from "./types.js";
import { CAST_OPS } from "./cast.js";
import { DROPOUT_OPS } from "./dropout.js";
import { GATHER_OPS } from "./gather.js";
import { GELU_OPS } from "./gelu.js";
import { LOGIC_OPS } from "./logic.js";
import { PAD_OPS } from "./pad.js";
import { RECURRENT_OPS } from "./recurrent.js";
import { RESIZE_OPS } from "./resize.js";
import { SHAPE_OPS } from "./shape.js";
import { SLICE_OPS } from "./slice.js";
import { SPLIT_OPS } from "./split.js";
import { TRANSPOSE_OPS } from "./transpose.js";

export const ALL_OPS: readonly OpEntry[] = [
  ...CAST_OPS,
  ...DROPOUT_OPS,
  ...GATHER_OPS,
  ...GELU_OPS,
  ...LOGIC_OPS,
  ...PAD_OPS,
  ...RECURRENT_OPS,
  ...RESIZE_OPS,
  ...SHAPE_OPS,
  ...SLICE_OPS,
  ...SPLIT_OPS,
  ...TRANSPOSE_OPS,
];
