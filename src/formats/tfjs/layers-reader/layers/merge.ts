// Merge layers: elementwise combinations and concatenation of their inputs.
import type { LayerContext, LayerEntry, LayerResult } from "./types.js";

const variadic = (op: string) => (c: LayerContext): LayerResult => ({ output: c.onnx(op, [...c.inputs])[0]!, rank: Math.max(...c.ranks) });

function multiply(c: LayerContext): LayerResult {
  let y = c.inputs[0]!;
  for (let i = 1; i < c.inputs.length; i++) y = c.onnx("Mul", [y, c.inputs[i]!], {}, i === c.inputs.length - 1 ? undefined : `mul_${i}`)[0]!;
  return { output: y, rank: Math.max(...c.ranks) };
}

export const MERGE_LAYERS: readonly LayerEntry[] = [
  { classNames: ["Add"], convert: variadic("Sum") },
  { classNames: ["Average"], convert: variadic("Mean") },
  { classNames: ["Maximum"], convert: variadic("Max") },
  { classNames: ["Minimum"], convert: variadic("Min") },
  { classNames: ["Multiply"], convert: multiply },
  { classNames: ["Subtract"], convert: (c) => ({ output: c.onnx("Sub", [c.inputs[0]!, c.inputs[1]!])[0]!, rank: Math.max(...c.ranks) }) },
  { classNames: ["Concatenate"], convert: (c) => ({ output: c.onnx("Concat", [...c.inputs], { axis: c.num("axis", -1) })[0]!, rank: c.ranks[0]! }) },
];
