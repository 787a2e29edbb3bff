// Distillation losses, as differentiable tfjs functions of the student's outputs.
//   Hinton et al. 2015: α·T²·KL(softmax(t/T) ‖ softmax(s/T)) + (1−α)·CE(y, s)
// with the KL averaged over the batch (PyTorch's kl_div(…, reduction="batchmean")).
// T² keeps the soft term's gradients on the scale of the hard term's as T grows.
import { tf } from "../../runtime/tfjs/tf.js";
import { crossEntropy } from "../../train/loss.js";

export interface DistillationLossOptions {
  readonly temperature: number;
  /** Weight of the soft (teacher) term; 1 − alpha goes to the labels. */
  readonly alpha: number;
}

/** KL(softmax(teacher/T) ‖ softmax(student/T)), mean over rows. */
export function softTargetKl(student: tf.Tensor, teacher: tf.Tensor, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    const logStudent = tf.logSoftmax(tf.div(student, temperature) as tf.Tensor2D);
    const logTeacher = tf.logSoftmax(tf.div(teacher, temperature) as tf.Tensor2D);
    const perRow = tf.sum(tf.mul(tf.exp(logTeacher), tf.sub(logTeacher, logStudent)), -1);
    return tf.mean(perRow) as tf.Scalar;
  });
}

export function distillationLoss(student: tf.Tensor, teacher: tf.Tensor, labels: tf.Tensor1D, options: DistillationLossOptions): tf.Scalar {
  const { temperature: T, alpha } = options;
  return tf.tidy(() => {
    const soft = tf.mul(softTargetKl(student, teacher, T), alpha * T * T);
    if (alpha === 1) return soft as tf.Scalar;
    return tf.add(soft, tf.mul(crossEntropy(student, labels), 1 - alpha)) as tf.Scalar;
  });
}

/** Mean squared difference over every element (hint loss). */
export function featureMse(student: tf.Tensor, teacher: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.squaredDifference(student, teacher)) as tf.Scalar);
}
