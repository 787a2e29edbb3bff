// IsNaN and IsInf (opset 9/10): masks PyTorch exports for torch.isnan/isinf
// and nan_to_num-style guards. IsInf can leave out either infinity.
import { tf } from "../tf.js";
import { IsInf, IsNaN } from "../../../graph/ops/float-class.js";
import { implement, type OpEntry } from "./types.js";

const isNaN = implement(IsNaN[9], { layout: "elementwise", run: ([x]) => [tf.isNaN(x!)] });

const isInf = implement(IsInf[10], {
  layout: "elementwise",
  run([x], attrs) {
    return [
      tf.tidy(() => {
        const inf = tf.isInf(x!);
        if (attrs.detect_negative === 1 && attrs.detect_positive === 1) return inf;
        if (attrs.detect_negative !== 1 && attrs.detect_positive !== 1) return tf.zerosLike(inf);
        const positive = tf.greater(x!, tf.scalar(0, x!.dtype));
        return tf.logicalAnd(inf, attrs.detect_positive === 1 ? positive : tf.logicalNot(positive));
      }),
    ];
  },
});

export const FLOAT_CLASS_OPS: readonly OpEntry[] = [isNaN, isInf];
