// Trilu (opset 14): keep the upper (or lower) triangle of the last two axes,
// offset by k; PyTorch exports torch.triu/tril (causal attention masks) as it.
// A constant mask and a where, so the gradient flows to the kept entries.
import { tf } from "../tf.js";
import { intsOf, required, shapeError } from "./args.js";
import { Trilu } from "../../../graph/ops/trilu.js";
import { implement, type OpEntry } from "./types.js";

const trilu = implement(Trilu[14], {
  run(inputs, attrs, ctx) {
    const x = required(inputs, 0, ctx, "input");
    if (x.rank < 2) throw shapeError(ctx, `needs a tensor of rank ≥ 2, got [${x.shape.join(", ")}]`);
    const k = intsOf(inputs, 1, ctx)?.[0] ?? 0;
    const upper = attrs.upper !== 0;
    const [rows, cols] = x.shape.slice(-2) as [number, number];
    const keep = new Uint8Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) keep[i * cols + j] = (upper ? j - i >= k : j - i <= k) ? 1 : 0;
    }
    return [tf.tidy(() => tf.where(tf.tensor2d(keep, [rows, cols], "bool"), x, tf.zerosLike(x)))];
  },
});

export const TRILU_OPS: readonly OpEntry[] = [trilu];
