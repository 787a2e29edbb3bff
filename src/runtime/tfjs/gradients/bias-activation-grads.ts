// dz and db of y = act(z + b) from dy, through our one-pass kernel
// (kernels/bias-act.ts): shared by the gradients of our fused conv and dense
// kernels. With a linear activation dz is dy itself.
import { tf } from "../tf.js";
import type { ConvActivation } from "../kernels/module.js";
import { BIAS_ACTIVATION_GRAD, ensureBiasActivationGradKernel } from "../kernels/bias-act.js";

export function biasActivationGrads(dy: tf.Tensor, y: tf.Tensor, activation: ConvActivation): { dz: tf.Tensor; db: tf.Tensor } {
  ensureBiasActivationGradKernel();
  const attrs = { activation, bias: true } as unknown as tf.NamedAttrMap;
  const outputs = tf.engine().runKernel(BIAS_ACTIVATION_GRAD, { dy, y } as unknown as tf.NamedTensorMap, attrs) as tf.Tensor[];
  return activation === "linear" ? { dz: dy, db: outputs[0]! } : { dz: outputs[0]!, db: outputs[1]! };
}
