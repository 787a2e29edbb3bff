// The op table: every op version compactor knows, one line per family file.
// Adding an op: declare it with defineOp in its family file (or a new one)
// and list that family here; then attach a shape rule
// (../shape-inference/rules.ts) and, unless it is shape only, a runtime
// implementation (runtime/tfjs/ops/index.ts).
import { activationOps } from "./activation.js";
import { castOps } from "./cast.js";
import { celuOps } from "./celu.js";
import { convOps } from "./conv.js";
import { cumsumOps } from "./cumsum.js";
import { depthToSpaceOps } from "./depth-to-space.js";
import { dropoutOps } from "./dropout.js";
import { einsumOps } from "./einsum.js";
import { elementwiseOps } from "./elementwise.js";
import { floatClassOps } from "./float-class.js";
import { gatherOps } from "./gather.js";
import { geluOps } from "./gelu.js";
import { logicOps } from "./logic.js";
import { lossOps } from "./loss.js";
import { matmulOps } from "./matmul.js";
import { modOps } from "./mod.js";
import { normalizationOps } from "./normalization.js";
import { oneHotOps } from "./one-hot.js";
import { padOps } from "./pad.js";
import { poolOps } from "./pool.js";
import { quantizationOps } from "./quantization.js";
import { randomOps } from "./random.js";
import { recurrentOps } from "./recurrent.js";
import { reduceOps } from "./reduce.js";
import { resizeOps } from "./resize.js";
import { reverseSequenceOps } from "./reverse-sequence.js";
import { roundingOps } from "./rounding.js";
import { selectOps } from "./select.js";
import { shapeOps } from "./shape.js";
import { sliceOps } from "./slice.js";
import { softmaxOps } from "./softmax.js";
import { softsignOps } from "./softsign.js";
import { splitOps } from "./split.js";
import { OpTable } from "./table.js";
import { transposeOps } from "./transpose.js";
import { triluOps } from "./trilu.js";

export const OP_TABLE = new OpTable([
  ...activationOps,
  ...castOps,
  ...celuOps,
  ...convOps,
  ...cumsumOps,
  ...depthToSpaceOps,
  ...dropoutOps,
  ...einsumOps,
  ...elementwiseOps,
  ...floatClassOps,
  ...gatherOps,
  ...geluOps,
  ...logicOps,
  ...lossOps,
  ...matmulOps,
  ...modOps,
  ...normalizationOps,
  ...oneHotOps,
  ...padOps,
  ...poolOps,
  ...quantizationOps,
  ...randomOps,
  ...recurrentOps,
  ...reduceOps,
  ...resizeOps,
  ...reverseSequenceOps,
  ...roundingOps,
  ...selectOps,
  ...shapeOps,
  ...sliceOps,
  ...softmaxOps,
  ...softsignOps,
  ...splitOps,
  ...transposeOps,
  ...triluOps,
]);

export type { AttrDecl, AttrSpec, AttrValues, Attrs, OpVersion, OpVersions } from "./define.js";
export { defineOp, versionsOf } from "./define.js";
export { OpTable, UNDECLARED_OPSET, attach, normalizeDomain, opsetOf, type Attachable } from "./table.js";
