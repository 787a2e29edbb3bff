// The gradient of our batch-statistics BatchNorm (kernels/batchnorm.ts,
// "CompactorBatchNormTrain"): dx, dscale and dbias from one kernel call. The
// mean and variance outputs feed only the running statistics, which are
// state and never part of the loss, so their incoming gradients are ignored.
import { tf } from "../tf.js";
import { BATCHNORM_TRAIN, BATCHNORM_TRAIN_GRAD } from "../kernels/batchnorm.js";

export const compactorBatchNormGradConfig: tf.GradConfig = {
  kernelName: BATCHNORM_TRAIN,
  inputsToSave: ["x", "scale"],
  outputsToSave: [false, true, true],
  gradFunc: (dys, saved, attrs) => {
    const dy = (Array.isArray(dys) ? dys[0] : dys) as tf.Tensor;
    const [x, scale, mean, variance] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    // One kernel gives all three, so it runs here, in the backward pass's scope (tfjs runs each
    // lazy gradient in a tidy of its own, which would dispose the other two); unused ones go with that scope.
    const [dx, dscale, dbias] = tf.engine().runKernel(BATCHNORM_TRAIN_GRAD, { dy, x, scale, mean, variance } as unknown as tf.NamedTensorMap, attrs) as tf.Tensor[];
    return { x: () => dx!, scale: () => dscale!, bias: () => dbias! };
  },
};
