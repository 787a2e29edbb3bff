// Normalizations as arithmetic in ONNX layout, so they need no transposes:
// BatchNormalization (inference) folds to x·s + t with s = γ/√(σ²+ε) and
// t = β − μ·s computed at export when its inputs are constants;
// LayerNormalization and InstanceNormalization take moments over their axes.
import { attrFloat, attrInt } from "../../../../graph/attributes.js";
import { makeTensor } from "../../../../graph/tensor.js";
import { TF_ATTR } from "../../tf-attrs.js";
import { T, axisFor } from "./helpers.js";
import type { ExportContext, ExportOp } from "./types.js";

const op = (c: ExportContext, tfOp: string, inputs: string[], part: string) => c.b.op(tfOp, inputs, T("float32"), part === "" ? c.node.name : c.part(part));

/** A per-channel vector [C] shaped [C, 1, …] to broadcast over (N, C, spatial…). */
function channelShape(c: ExportContext, channels: number): number[] {
  return [channels, ...Array.from({ length: c.rank(0) - 2 }, () => 1)];
}

function batchNorm(c: ExportContext): string[] {
  if (c.node.outputs.slice(1).some((o) => o !== "") || attrInt(c.node, "training_mode", 0) === 1) c.fail("training-mode BatchNormalization (running statistics outputs) is not an inference graph");
  const eps = attrFloat(c.node, "epsilon", 1e-5);
  const params = [1, 2, 3, 4].map((i) => c.constant(i));
  if (params.every((p) => p !== undefined && p.dtype === "float32")) {
    const [gamma, beta, mean, variance] = params.map((p) => p!.data as Float32Array) as [Float32Array, Float32Array, Float32Array, Float32Array];
    const scale = Float32Array.from(gamma, (g, k) => g / Math.sqrt(variance[k]! + eps));
    const shift = Float32Array.from(beta, (b, k) => b - mean[k]! * scale[k]!);
    const dims = channelShape(c, gamma.length);
    const s = c.b.constant(c.part("scale"), "float32", dims, makeTensor("float32", dims, scale).data);
    const t = c.b.constant(c.part("shift"), "float32", dims, makeTensor("float32", dims, shift).data);
    return [op(c, "AddV2", [op(c, "Mul", [c.input(0), s], "scaled"), t], "")];
  }
  const channels = c.shape(1)?.[0];
  if (typeof channels !== "number") c.fail("the BatchNormalization parameters' length must be known");
  const shape = c.b.ints(c.part("channel_shape"), channelShape(c, channels));
  const reshape = (i: number, name: string) => c.b.op("Reshape", [c.input(i), shape], T("float32"), c.part(name));
  const scale = op(c, "Mul", [reshape(1, "gamma"), op(c, "Rsqrt", [op(c, "AddV2", [reshape(4, "variance"), c.b.float(c.part("epsilon"), eps)], "var_eps")], "rstd")], "scale");
  const shift = op(c, "Sub", [reshape(2, "beta"), op(c, "Mul", [reshape(3, "mean"), scale], "mean_scaled")], "shift");
  return [op(c, "AddV2", [op(c, "Mul", [c.input(0), scale], "scaled"), shift], "")];
}

/** (x − mean) / √(var + ε) over `axes`, keeping dims. */
function normalize(c: ExportContext, axes: number[], eps: number): string {
  const axesRef = c.b.ints(c.part("axes"), axes);
  const keep = { keep_dims: TF_ATTR.b(true), ...T("float32") };
  const mean = c.b.op("Mean", [c.input(0), axesRef], keep, c.part("mean"));
  const centered = op(c, "Sub", [c.input(0), mean], "centered");
  const variance = c.b.op("Mean", [op(c, "Mul", [centered, centered], "squared"), axesRef], keep, c.part("variance"));
  const rstd = op(c, "Rsqrt", [op(c, "AddV2", [variance, c.b.float(c.part("epsilon"), eps)], "var_eps")], "rstd");
  return op(c, "Mul", [centered, rstd], "normalized");
}

function layerNorm(c: ExportContext): string[] {
  if (c.node.outputs.slice(1).some((o) => o !== "")) c.fail("LayerNormalization's Mean/InvStdDev outputs are not exported");
  const rank = c.rank(0);
  const axis = axisFor(c, attrInt(c.node, "axis", -1), rank);
  let y = normalize(c, Array.from({ length: rank - axis }, (_, i) => axis + i), attrFloat(c.node, "epsilon", 1e-5));
  y = op(c, "Mul", [y, c.input(1)], c.has(2) ? "scaled" : "");
  return [c.has(2) ? op(c, "AddV2", [y, c.input(2)], "") : y];
}

function instanceNorm(c: ExportContext): string[] {
  const rank = c.rank(0);
  const channels = c.shape(1)?.[0];
  if (typeof channels !== "number") c.fail("the scale's length must be known");
  const y = normalize(c, Array.from({ length: rank - 2 }, (_, i) => i + 2), attrFloat(c.node, "epsilon", 1e-5));
  const shape = c.b.ints(c.part("channel_shape"), channelShape(c, channels));
  const scale = c.b.op("Reshape", [c.input(1), shape], T("float32"), c.part("scale"));
  const bias = c.b.op("Reshape", [c.input(2), shape], T("float32"), c.part("bias"));
  return [op(c, "AddV2", [op(c, "Mul", [y, scale], "scaled"), bias], "")];
}

export const NORMALIZATION_OPS: readonly ExportOp[] = [
  { opType: "BatchNormalization", since: 1, convert: batchNorm },
  { opType: "LayerNormalization", since: 17, convert: layerNorm },
  { opType: "InstanceNormalization", since: 6, convert: instanceNorm },
];
