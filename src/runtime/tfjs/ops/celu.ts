// Celu (opset 12): max(0, x) + min(0, alpha·(exp(x/alpha) − 1)), PyTorch's nn.CELU.
import { tf } from "../tf.js";
import type { OpEntry } from "./types.js";

const celu: OpEntry = {
  opType: "Celu",
  since: 12,
  layout: "elementwise",
  attributes: { alpha: { type: "float", default: 1.0 } },
  run([x], attrs) {
    const alpha = attrs.alpha as number;
    return [
      tf.tidy(() => {
        const negative = tf.mul(tf.scalar(alpha), tf.expm1(tf.div(tf.minimum(x!, 0), tf.scalar(alpha))));
        return tf.add(tf.relu(x!), negative);
      }),
    ];
  },
};

export const CELU_OPS: readonly OpEntry[] = [celu];
