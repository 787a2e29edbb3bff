// Keras activations (as tf.keras and tfjs-layers serialize them) as ONNX ops.
import type { LayerContext } from "./types.js";

const one = (c: LayerContext, suffix: string) => c.initializer({ dtype: "float32", dims: [], data: Float32Array.from([1]) }, `${suffix}/one`);

export function activation(c: LayerContext, x: string, name: string, suffix = "activation"): string {
  switch (name) {
    case "linear":
    case "":
      return x;
    case "relu": return c.onnx("Relu", [x], {}, suffix)[0]!;
    case "relu6": return c.onnx("Clip", [x, c.initializer({ dtype: "float32", dims: [], data: Float32Array.from([0]) }, `${suffix}/lo`), c.initializer({ dtype: "float32", dims: [], data: Float32Array.from([6]) }, `${suffix}/hi`)], {}, suffix)[0]!;
    case "sigmoid": return c.onnx("Sigmoid", [x], {}, suffix)[0]!;
    case "tanh": return c.onnx("Tanh", [x], {}, suffix)[0]!;
    case "softmax": return c.onnx("Softmax", [x], { axis: -1 }, suffix)[0]!;
    case "log_softmax":
    case "logSoftmax": return c.onnx("LogSoftmax", [x], { axis: -1 }, suffix)[0]!;
    case "elu": return c.onnx("Elu", [x], {}, suffix)[0]!;
    case "selu": return c.onnx("Selu", [x], {}, suffix)[0]!;
    case "softplus": return c.onnx("Softplus", [x], {}, suffix)[0]!;
    case "softsign": return c.onnx("Softsign", [x], {}, suffix)[0]!;
    case "hard_sigmoid":
    case "hardSigmoid": return c.onnx("HardSigmoid", [x], { alpha: 0.2, beta: 0.5 }, suffix)[0]!;
    case "exponential": return c.onnx("Exp", [x], {}, suffix)[0]!;
    case "swish":
    case "silu": return c.onnx("Mul", [x, c.onnx("Sigmoid", [x], {}, `${suffix}/sigmoid`)[0]!], {}, suffix)[0]!;
    case "mish": return c.onnx("Mul", [x, c.onnx("Tanh", [c.onnx("Softplus", [x], {}, `${suffix}/softplus`)[0]!], {}, `${suffix}/tanh`)[0]!], {}, suffix)[0]!;
    case "gelu": {
      // 0.5·x·(1 + erf(x/√2)), as tf.keras's exact gelu and tfjs-layers's gelu.
      const half = c.initializer({ dtype: "float32", dims: [], data: Float32Array.from([0.5]) }, `${suffix}/half`);
      const scaled = c.onnx("Mul", [x, c.initializer({ dtype: "float32", dims: [], data: Float32Array.from([Math.SQRT1_2]) }, `${suffix}/r2`)], {}, `${suffix}/scaled`)[0]!;
      const gate = c.onnx("Add", [c.onnx("Erf", [scaled], {}, `${suffix}/erf`)[0]!, one(c, suffix)], {}, `${suffix}/gate`)[0]!;
      return c.onnx("Mul", [c.onnx("Mul", [x, half], {}, `${suffix}/half_x`)[0]!, gate], {}, suffix)[0]!;
    }
    default:
      return c.fail(`activation "${name}" is not one compactor reads`);
  }
}

/** The ONNX RNN activation name for a Keras recurrent activation. */
export function rnnActivation(c: LayerContext, name: string): string {
  const map: Readonly<Record<string, string>> = { tanh: "Tanh", sigmoid: "Sigmoid", hard_sigmoid: "HardSigmoid", hardSigmoid: "HardSigmoid", relu: "Relu" };
  return map[name] ?? c.fail(`recurrent activation "${name}" has no ONNX RNN counterpart`);
}
