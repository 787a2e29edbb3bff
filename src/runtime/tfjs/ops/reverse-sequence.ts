// ReverseSequence (opset 10): reverse the first sequence_lens[b] steps of each
// batch entry. The source index of every (batch, time) position is computed
// here, then one gather over the flattened (batch·time) axis moves the data,
// so the op keeps a gradient.
import { tf } from "../tf.js";
import { intsOf, normalizeAxis, required, shapeError } from "./args.js";
import { ReverseSequence } from "../../../graph/ops/reverse-sequence.js";
import { implement, type OpEntry } from "./types.js";

const reverseSequence = implement(ReverseSequence[10], {
  run(inputs, attrs, ctx) {
    const x = required(inputs, 0, ctx, "input");
    const lengths = intsOf(inputs, 1, ctx);
    const batchAxis = normalizeAxis(attrs.batch_axis, x.rank, ctx);
    const timeAxis = normalizeAxis(attrs.time_axis, x.rank, ctx);
    if (batchAxis === timeAxis) throw shapeError(ctx, "batch_axis and time_axis must differ");
    const [batch, time] = [x.shape[batchAxis] as number, x.shape[timeAxis] as number];
    if (lengths === undefined || lengths.length !== batch || lengths.some((l) => l < 0 || l > time)) {
      throw shapeError(ctx, `sequence_lens must hold ${batch} lengths in [0, ${time}], got [${lengths?.join(", ") ?? ""}]`);
    }
    const source = new Int32Array(batch * time);
    for (let b = 0; b < batch; b++) {
      const len = lengths[b] as number;
      for (let t = 0; t < time; t++) source[b * time + t] = b * time + (t < len ? len - 1 - t : t);
    }
    return [
      tf.tidy(() => {
        // Bring (batch, time) to the front, flatten them, gather, and undo.
        const rest = x.shape.map((_, i) => i).filter((i) => i !== batchAxis && i !== timeAxis);
        const perm = [batchAxis, timeAxis, ...rest];
        const front = tf.transpose(x, perm);
        const flat = tf.reshape(front, [batch * time, ...front.shape.slice(2)]);
        const moved = tf.reshape(tf.gather(flat, tf.tensor1d(source, "int32"), 0), front.shape);
        return tf.transpose(moved, perm.map((_, i) => perm.indexOf(i)));
      }),
    ];
  },
});

export const REVERSE_SEQUENCE_OPS: readonly OpEntry[] = [reverseSequence];
