// Celu (opset 12): max(0, x) + min(0, alpha·(exp(x/alpha) − 1)), PyTorch's nn.CELU.
import { tf } from "../tf.js";
import { Celu } from "../../../graph/ops/celu.js";
import { implement, type OpEntry } from "./types.js";

const celu = implement(Celu[12], {
  layout: "elementwise",
  run([x], attrs) {
    const alpha = attrs.alpha;
    return [
      tf.tidy(() => {
        const negative = tf.mul(tf.scalar(alpha), tf.expm1(tf.div(tf.minimum(x!, 0), tf.scalar(alpha))));
        return tf.add(tf.relu(x!), negative);
      }),
    ];
  },
});

export const CELU_OPS: readonly OpEntry[] = [celu];
