// Transpose: perm defaults to reversing the axes, as ONNX defines.
import { tf } from "../tf.js";
import { required, shapeError } from "./args.js";
import { Transpose } from "../../../graph/ops/transpose.js";
import { implement, type OpEntry } from "./types.js";

const transpose = implement(Transpose[1], {
  run(inputs, attrs, ctx) {
    const x = required(inputs, 0, ctx, "data");
    const perm = attrs.perm ?? x.shape.map((_, i) => x.rank - 1 - i);
    const sorted = [...perm].sort((a, b) => a - b);
    if (perm.length !== x.rank || sorted.some((p, i) => p !== i)) {
      throw shapeError(ctx, `perm [${perm.join(", ")}] is not a permutation of the ${x.rank} axes of [${x.shape.join(", ")}]`);
    }
    return [tf.transpose(x, [...perm])];
  },
});

export const TRANSPOSE_OPS: readonly OpEntry[] = [transpose];
