// BatchNormalization folded to x·s + t on its axis; LayerNormalization as
// moments over its axes (opset 13 has no LayerNormalization op).
import { makeTensor } from "../../../../graph/tensor.js";
import type { LayerContext, LayerEntry, LayerResult } from "./types.js";

function axisOf(c: LayerContext, rank: number): number {
  const raw = c.config.axis;
  const axis = Array.isArray(raw) ? Number(raw[0]) : typeof raw === "number" ? raw : -1;
  const resolved = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(resolved) || resolved < 1 || resolved >= rank) c.fail(`axis ${JSON.stringify(raw)} is not a feature axis of a rank-${rank} input`);
  return resolved;
}

function batchNorm(c: LayerContext): LayerResult {
  const rank = c.ranks[0]!;
  const axis = axisOf(c, rank);
  const mean = c.weight("moving_mean").data as Float32Array;
  const variance = c.weight("moving_variance").data as Float32Array;
  const gamma = c.bool("scale", true) ? (c.weight("gamma").data as Float32Array) : new Float32Array(mean.length).fill(1);
  const beta = c.bool("center", true) ? (c.weight("beta").data as Float32Array) : new Float32Array(mean.length);
  const eps = c.num("epsilon", 1e-3);
  const scale = Float32Array.from(gamma, (g, k) => g / Math.sqrt(variance[k]! + eps));
  const shift = Float32Array.from(beta, (b, k) => b - mean[k]! * scale[k]!);
  const dims = [mean.length, ...new Array<number>(rank - 1 - axis).fill(1)];
  const y = c.onnx("Mul", [c.inputs[0]!, c.initializer(makeTensor("float32", dims, scale), "scale")], {}, "scale")[0]!;
  return { output: c.onnx("Add", [y, c.initializer(makeTensor("float32", dims, shift), "shift")])[0]!, rank };
}

function layerNorm(c: LayerContext): LayerResult {
  const rank = c.ranks[0]!;
  const raw = c.config.axis;
  const axes = (Array.isArray(raw) ? raw.map(Number) : [typeof raw === "number" ? raw : -1]).map((a) => (a < 0 ? a + rank : a));
  const x = c.inputs[0]!;
  const mean = c.onnx("ReduceMean", [x], { axes, keepdims: 1 }, "mean")[0]!;
  const centered = c.onnx("Sub", [x, mean], {}, "centered")[0]!;
  const variance = c.onnx("ReduceMean", [c.onnx("Mul", [centered, centered], {}, "squared")[0]!], { axes, keepdims: 1 }, "variance")[0]!;
  const eps = c.initializer(makeTensor("float32", [], Float32Array.from([c.num("epsilon", 1e-3)])), "epsilon");
  let y = c.onnx("Div", [centered, c.onnx("Sqrt", [c.onnx("Add", [variance, eps], {}, "var_eps")[0]!], {}, "std")[0]!], {}, "normalized")[0]!;
  if (c.bool("scale", true)) y = c.onnx("Mul", [y, c.initializer(c.weight("gamma"), "gamma")], {}, "scaled")[0]!;
  if (c.bool("center", true)) y = c.onnx("Add", [y, c.initializer(c.weight("beta"), "beta")], {}, "shifted")[0]!;
  return { output: y, rank };
}

export const NORM_LAYERS: readonly LayerEntry[] = [
  { classNames: ["BatchNormalization"], convert: batchNorm },
  { classNames: ["LayerNormalization"], convert: layerNorm },
];
