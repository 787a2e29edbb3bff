// Sign and Round (opset 11/13): PyTorch exports torch.sign and torch.round as
// them. ONNX rounds halves to even, as tfjs's round does (banker's rounding).
import { tf } from "../tf.js";
import type { OpEntry } from "./types.js";

const sign: OpEntry = { opType: "Sign", since: 9, layout: "elementwise", run: ([x]) => [tf.sign(x!)] };
const round: OpEntry = { opType: "Round", since: 11, layout: "elementwise", run: ([x]) => [tf.round(x!)] };

export const ROUNDING_OPS: readonly OpEntry[] = [sign, round];
