// Dense, Activation and the activation layers, the inference no-ops
// (Dropout and friends), Flatten, Reshape, Permute, RepeatVector.
import { makeTensor } from "../../../../graph/tensor.js";
import { activation } from "./activations.js";
import type { LayerContext, LayerEntry, LayerResult } from "./types.js";

function dense(c: LayerContext): LayerResult {
  let y = c.onnx("MatMul", [c.inputs[0]!, c.initializer(c.weight("kernel"), "kernel")], {}, "matmul")[0]!;
  if (c.bool("use_bias", true)) y = c.onnx("Add", [y, c.initializer(c.weight("bias"), "bias")], {}, "bias")[0]!;
  return { output: activation(c, y, c.str("activation", "linear")), rank: c.ranks[0]! };
}

const scalar = (c: LayerContext, v: number, suffix: string) => c.initializer(makeTensor("float32", [], Float32Array.from([v])), suffix);

function relu(c: LayerContext): LayerResult {
  const x = c.inputs[0]!;
  const max = c.config.max_value ?? c.config.maxValue;
  const slope = c.num("negative_slope", 0);
  const threshold = c.num("threshold", 0);
  if (slope !== 0 || threshold !== 0) c.fail("ReLU with negative_slope or threshold");
  const y = max === null || max === undefined ? c.onnx("Relu", [x])[0]! : c.onnx("Clip", [x, scalar(c, 0, "lo"), scalar(c, Number(max), "hi")])[0]!;
  return { output: y, rank: c.ranks[0]! };
}

const same = (op: string, attrs: (c: LayerContext) => Record<string, unknown> = () => ({})) => (c: LayerContext): LayerResult => ({ output: c.onnx(op, [c.inputs[0]!], attrs(c))[0]!, rank: c.ranks[0]! });
const passThrough = (c: LayerContext): LayerResult => ({ output: c.inputs[0]!, rank: c.ranks[0]! });

export const CORE_LAYERS: readonly LayerEntry[] = [
  { classNames: ["Dense"], convert: dense },
  { classNames: ["Activation"], convert: (c) => ({ output: activation(c, c.inputs[0]!, c.str("activation"), ""), rank: c.ranks[0]! }) },
  { classNames: ["ReLU"], convert: relu },
  { classNames: ["LeakyReLU"], convert: same("LeakyRelu", (c) => ({ alpha: c.num("alpha", 0.3) })) },
  { classNames: ["ELU"], convert: same("Elu", (c) => ({ alpha: c.num("alpha", 1) })) },
  { classNames: ["ThresholdedReLU"], convert: same("ThresholdedRelu", (c) => ({ alpha: c.num("theta", 1) })) },
  {
    classNames: ["Softmax"],
    convert: (c) => {
      const axis = c.config.axis;
      return { output: c.onnx("Softmax", [c.inputs[0]!], { axis: Array.isArray(axis) ? Number(axis[0]) : typeof axis === "number" ? axis : -1 })[0]!, rank: c.ranks[0]! };
    },
  },
  { classNames: ["PReLU"], convert: (c) => ({ output: c.onnx("PRelu", [c.inputs[0]!, c.initializer(c.weight("alpha"), "alpha")])[0]!, rank: c.ranks[0]! }) },
  { classNames: ["Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "AlphaDropout", "GaussianDropout", "GaussianNoise", "ActivityRegularization"], convert: passThrough },
  { classNames: ["Flatten"], convert: (c) => ({ output: c.onnx("Flatten", [c.inputs[0]!], { axis: 1 })[0]!, rank: 2 }) },
  {
    classNames: ["Reshape"],
    convert: (c) => {
      const target = c.nums("target_shape");
      return { output: c.onnx("Reshape", [c.inputs[0]!, c.int64([0, ...target], "shape")])[0]!, rank: target.length + 1 };
    },
  },
  { classNames: ["Permute"], convert: (c) => ({ output: c.onnx("Transpose", [c.inputs[0]!], { perm: [0, ...c.nums("dims")] })[0]!, rank: c.ranks[0]! }) },
  {
    classNames: ["RepeatVector"],
    convert: (c) => {
      const x = c.onnx("Unsqueeze", [c.inputs[0]!, c.int64([1], "axis")], {}, "expand")[0]!;
      return { output: c.onnx("Tile", [x, c.int64([1, c.num("n"), 1], "repeats")])[0]!, rank: 3 };
    },
  },
];
