// Resize and Upsample: output sizes from `sizes`, else floor(input × scale).
import { attrInts } from "../attributes.js";
import type { Dim } from "../types.js";
import { normalizeAxis, show } from "./dims.js";
import type { InferContext, ShapeRule, ValueFacts } from "./types.js";

function scaled(d: Dim, s: number): Dim {
  if (typeof d === "number") return Math.floor(d * s);
  return s === 1 ? d : null;
}

/** Input positions of scales and sizes differ across versions: (scales) until 10, (roi, scales, sizes) from 11. */
function resize(scalesInput: number, sizesInput: number | undefined) {
  return (ctx: InferContext): ValueFacts[] => {
    const x = ctx.shape(0);
    const dtype = ctx.dtype(0);
    if (x === undefined) return [{ dtype }];
    const given = (i: number | undefined): i is number => i !== undefined && (ctx.node.inputs[i] ?? "") !== "";
    const axes = attrInts(ctx.node, "axes", []).map((a) => normalizeAxis(a, x.length) ?? -1);
    const targetAxes = axes.length > 0 ? axes : x.map((_, i) => i);
    const out: Dim[] = [...x];
    if (given(sizesInput)) {
      // Sizes may be partly symbolic or unknown (built from Shape): keep each element as it is.
      const sizes = ctx.value(sizesInput);
      if (sizes === undefined) return [{ dtype, shape: x.map((d, i) => (targetAxes.includes(i) ? null : d)) }];
      const policy = ctx.node.attributes.keep_aspect_ratio_policy;
      if (policy?.type === "string" && policy.value !== "stretch") {
        return [{ dtype, shape: x.map((d, i) => (targetAxes.includes(i) ? null : d)) }];
      }
      targetAxes.forEach((a, k) => (out[a] = sizes[k]));
      return [{ dtype, shape: out }];
    }
    if (given(scalesInput)) {
      const scales = ctx.numbers(scalesInput);
      if (scales === undefined) return [{ dtype, shape: x.map((d, i) => (targetAxes.includes(i) ? null : d)) }];
      if (scales.length !== targetAxes.length) {
        ctx.problem(`scales has ${scales.length} entries for ${show(x)}`);
        return [{ dtype }];
      }
      targetAxes.forEach((a, k) => (out[a] = scaled(x[a], scales[k])));
      return [{ dtype, shape: out }];
    }
    ctx.problem("needs scales or sizes");
    return [{ dtype }];
  };
}

/** Upsample before opset 9: the scales are an attribute, one per axis. */
function upsampleByAttribute(ctx: InferContext): ValueFacts[] {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  const scales = ctx.node.attributes.scales;
  if (x === undefined) return [{ dtype }];
  // Written as floats; an exporter may store whole-number scales as ints.
  if ((scales?.type !== "floats" && scales?.type !== "ints") || scales.value.length !== x.length) {
    ctx.problem(`needs a scales attribute with one entry per axis of ${show(x)}`);
    return [{ dtype }];
  }
  return [{ dtype, shape: x.map((d, i) => scaled(d, scales.value[i]!)) }];
}

export const resizeRules: readonly ShapeRule[] = [
  { opType: "Upsample", since: 7, infer: upsampleByAttribute },
  { opType: "Upsample", since: 9, infer: resize(1, undefined) },
  { opType: "Resize", since: 10, infer: resize(1, undefined) },
  { opType: "Resize", since: 11, infer: resize(2, 3) },
];
