// The gradient of a fused bias and activation (bias-act.c), the tfjs kernel
// "CompactorBiasActivationGrad": for y = act(z + b) it gives dz (unless the
// activation is linear: then dz is dy itself) and db (when there is a bias),
// in one pass over dy, where tfjs runs a Step, a Multiply and a Sum over all
// but the last axis (a transpose and a reduction on wasm).
import type { tf } from "../tf.js";
import { ACTIVATION_CODE, type ConvActivation, ensureKernel, heapKernels, kernelOutput, withScratch } from "./module.js";

export const BIAS_ACTIVATION_GRAD = "CompactorBiasActivationGrad";

export interface BiasActivationGradAttrs {
  readonly activation: ConvActivation;
  readonly bias: boolean;
}

/** Inputs dy and y (same shape, channels last); outputs [dz] if the activation is not linear, then [db] if bias. */
function biasActivationGradKernel({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const k = heapKernels();
  const { dy, y } = inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
  const a = attrs as unknown as BiasActivationGradAttrs;
  const channels = dy.shape[dy.shape.length - 1]!;
  const rows = dy.shape.reduce((p, d) => p * d, 1) / channels;
  const dz = a.activation === "linear" ? undefined : kernelOutput([...dy.shape], "float32");
  const db = a.bias ? kernelOutput([channels], "float32") : undefined;
  withScratch(k, [db ? 4 * channels : 0], ([part]) => {
    k.biasActGrad({ dy: k.offsetOf(dy), y: k.offsetOf(y), dz: dz ? k.offsetOf(dz) : 0, db: db ? k.offsetOf(db) : 0, part: part!, rows, K: channels, act: ACTIVATION_CODE[a.activation] });
  });
  return [dz, db].filter((t): t is tf.TensorInfo => t !== undefined);
}

export function ensureBiasActivationGradKernel(): void {
  ensureKernel(BIAS_ACTIVATION_GRAD, biasActivationGradKernel);
}
