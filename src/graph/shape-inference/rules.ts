// Every shape rule, one line per op family. Each rule attaches to the op
// version it names (opType and since) in the op table, src/graph/ops/; a
// rule that names no version fails at load. Adding an op: declare it there,
// write its rule in a family file here (or a new one) and list it.
import { broadcastRules } from "./broadcast.js";
import { convRules } from "./conv.js";
import { einsumRules } from "./einsum.js";
import { generatorRules } from "./generators.js";
import { indexingRules } from "./indexing.js";
import { joinRules } from "./join.js";
import { lossRules } from "./loss.js";
import { matmulRules } from "./matmul.js";
import { normalizationRules } from "./normalization.js";
import { poolRules } from "./pool.js";
import { quantizationRules } from "./quantization.js";
import { reduceRules } from "./reduce.js";
import { reshapeRules } from "./reshape.js";
import { resizeRules } from "./resize.js";
import { rnnRules } from "./rnn.js";
import { spaceRules } from "./space.js";
import type { ShapeRule } from "./types.js";
import { unaryRules } from "./unary.js";

export const SHAPE_RULES: readonly ShapeRule[] = [
  ...unaryRules,
  ...broadcastRules,
  ...convRules,
  ...poolRules,
  ...normalizationRules,
  ...matmulRules,
  ...reduceRules,
  ...reshapeRules,
  ...joinRules,
  ...indexingRules,
  ...generatorRules,
  ...resizeRules,
  ...rnnRules,
  ...quantizationRules,
  ...einsumRules,
  ...spaceRules,
  ...lossRules,
];
