// Sign and Round (opset 11/13): PyTorch exports torch.sign and torch.round as
// them. ONNX rounds halves to even, as tfjs's round does (banker's rounding).
import { tf } from "../tf.js";
import { Round, Sign } from "../../../graph/ops/rounding.js";
import { implement, type OpEntry } from "./types.js";

const sign = implement(Sign[9], { layout: "elementwise", run: ([x]) => [tf.sign(x!)] });
const round = implement(Round[11], { layout: "elementwise", run: ([x]) => [tf.round(x!)] });

export const ROUNDING_OPS: readonly OpEntry[] = [sign, round];
