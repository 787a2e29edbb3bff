// CumSum (opset 11; axis is an input): tfjs's cumsum has the same exclusive
// and reverse switches, and a gradient.
import { tf } from "../tf.js";
import { intsOf, normalizeAxis, required, shapeError } from "./args.js";
import { CumSum } from "../../../graph/ops/cumsum.js";
import { implement, type OpEntry } from "./types.js";

const cumsum = implement(CumSum[11], {
  run(inputs, attrs, ctx) {
    const x = required(inputs, 0, ctx, "x");
    const axis = intsOf(inputs, 1, ctx)?.[0];
    if (axis === undefined) throw shapeError(ctx, "input 1 (axis) is required but missing");
    return [tf.cumsum(x, normalizeAxis(axis, x.rank, ctx), attrs.exclusive === 1, attrs.reverse === 1)];
  },
});

export const CUMSUM_OPS: readonly OpEntry[] = [cumsum];
