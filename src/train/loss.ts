// Cross-entropy from logits and accuracy: the default objective for class labels.
import { tf } from "../runtime/tfjs/tf.js";

/** Mean softmax cross-entropy of logits [N, C] against integer labels. */
export function crossEntropy(logits: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const classes = logits.shape[logits.shape.length - 1]!;
    const logp = tf.logSoftmax(logits as tf.Tensor2D);
    const picked = tf.sum(tf.mul(logp, tf.oneHot(labels, classes)), 1);
    return tf.neg(tf.mean(picked)) as tf.Scalar;
  });
}

/** Number of rows whose arg-max equals the label. */
export function countCorrect(predicted: Int32Array | Float32Array | Uint8Array, labels: Int32Array): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct;
}
