// Max and average pooling gradients on our kernel (pool.c), registered in
// place of tfjs wasm's MaxPoolGrad and AvgPoolGrad (same inputs, attrs and
// results): tfjs's loops visit every input pixel and every window that may
// hold it (59 ms of a 250 ms LeNet-5 training step, measured); ours visits
// each window once. Registered by ../gradients/index.ts for the wasm backend.
import { tf } from "../tf.js";
import { heapKernels, kernelOutput } from "./module.js";

interface PoolGradAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

function poolGrad(max: boolean): tf.KernelFunc {
  return (({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }) => {
    const k = heapKernels();
    const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as PoolGradAttrs;
    const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    const dx = kernelOutput([...input.shape], "float32");
    k.poolGrad({
      x: max ? k.offsetOf(input) : 0, dy: k.offsetOf(dy), dx: k.offsetOf(dx), max: max ? 1 : 0, scale: 1 / (info.filterHeight * info.filterWidth),
      N: info.batchSize, H: info.inHeight, W: info.inWidth, C: info.inChannels, OH: info.outHeight, OW: info.outWidth,
      KH: info.filterHeight, KW: info.filterWidth, sh: info.strideHeight, sw: info.strideWidth, pt: info.padInfo.top, pl: info.padInfo.left,
    });
    return dx;
  }) as tf.KernelFunc;
}

export const maxPoolGradConfig: tf.KernelConfig = { kernelName: "MaxPoolGrad", backendName: "wasm", kernelFunc: poolGrad(true) };
export const avgPoolGradConfig: tf.KernelConfig = { kernelName: "AvgPoolGrad", backendName: "wasm", kernelFunc: poolGrad(false) };
