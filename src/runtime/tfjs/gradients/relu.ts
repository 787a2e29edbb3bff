// The gradient of a standalone Relu (one not fused into our conv or dense
// kernel: ResNet's after each residual add and after BatchNorm) on wasm
// through our one-pass kernel (kernels/bias-act.ts, no bias): tfjs's is
// dy · float(step(x)), three kernels and two temporaries (Step, Cast,
// Multiply: 2.5 ms of every 128×32×32×16 Relu in ResNet-8's step). The
// registry is global, so other backends and dtypes keep tfjs's gradient.
import { tf } from "../tf.js";
import { BIAS_ACTIVATION_GRAD, ensureBiasActivationGradKernel } from "../kernels/bias-act.js";

/** tfjs's Relu gradient wrapped: ours for float32 on wasm (x > 0 keeps dy, as step(x)), tfjs's otherwise. */
export function reluGradConfig(tfjs: tf.GradConfig): tf.GradConfig {
  return {
    ...tfjs,
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      const d = dy as tf.Tensor;
      if (tf.getBackend() !== "wasm" || x.dtype !== "float32" || d.dtype !== "float32") return tfjs.gradFunc(dy, saved, attrs);
      return {
        x: () => {
          ensureBiasActivationGradKernel();
          const attrs = { activation: "relu", bias: false } as unknown as tf.NamedAttrMap;
          return (tf.engine().runKernel(BIAS_ACTIVATION_GRAD, { dy: d, y: x } as unknown as tf.NamedTensorMap, attrs) as tf.Tensor[])[0]!;
        },
      };
    },
  };
}
