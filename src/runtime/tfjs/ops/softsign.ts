// Softsign (opset 1): x / (1 + |x|), PyTorch's nn.Softsign.
import { tf } from "../tf.js";
import { Softsign } from "../../../graph/ops/softsign.js";
import { implement, type OpEntry } from "./types.js";

const softsign = implement(Softsign[1], {
  layout: "elementwise",
  run: ([x]) => [tf.tidy(() => tf.div(x!, tf.add(tf.abs(x!), 1)))],
});

export const SOFTSIGN_OPS: readonly OpEntry[] = [softsign];
