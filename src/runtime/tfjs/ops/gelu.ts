// Gelu (opset 20): exact, 0.5·x·(1 + erf(x/√2)), or its tanh approximation.
// Elementwise, so it runs in whatever layout its input arrives in.
import { tf } from "../tf.js";
import { required, unsupportedFeature } from "./args.js";
import { Gelu } from "../../../graph/ops/gelu.js";
import { implement, type OpEntry } from "./types.js";

const SQRT_HALF = Math.SQRT1_2;
const SQRT_TWO_OVER_PI = Math.sqrt(2 / Math.PI);

const gelu = implement(Gelu[20], {
  layout: "elementwise",
  run(inputs, attrs, ctx) {
    const x = required(inputs, 0, ctx, "X");
    const approximate = attrs.approximate;
    if (approximate !== "none" && approximate !== "tanh") throw unsupportedFeature(ctx, `approximate "${approximate}"`);
    return [
      tf.tidy(() => {
        const inner =
          approximate === "none"
            ? tf.erf(tf.mul(x, SQRT_HALF))
            : tf.tanh(tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)), SQRT_TWO_OVER_PI));
        return tf.mul(tf.mul(x, 0.5), tf.add(inner, 1));
      }),
    ];
  },
});

export const GELU_OPS: readonly OpEntry[] = [gelu];
