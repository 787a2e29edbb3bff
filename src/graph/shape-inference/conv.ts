// Conv and ConvTranspose: channels from the weight, spatial sizes from the window.
import { attrInts } from "../attributes.js";
import type { Dim } from "../types.js";
import { multiply, show } from "./dims.js";
import { groupOf, transposedOutput, windowGeometry, windowOutput } from "./window.js";
import type { InferContext, ShapeRule, ValueFacts } from "./types.js";

export function conv(ctx: InferContext): ValueFacts {
  const x = ctx.shape(0);
  const w = ctx.shape(1);
  const dtype = ctx.dtype(0);
  if (x === undefined || x.length < 3) return { dtype };
  const spatial = x.length - 2;
  const expected = w ? multiply(w[1], groupOf(ctx.node)) : null;
  // Pruning bugs show up here: the weight must expect exactly the input's channels.
  if (typeof x[1] === "number" && typeof expected === "number" && x[1] !== expected) {
    ctx.problem(`input has ${x[1]} channels but the weight ${show(w)} with group ${groupOf(ctx.node)} expects ${expected}`);
  }
  const g = windowGeometry(ctx.node, spatial, w?.slice(2));
  const channels: Dim = w ? w[0] : null;
  if (g === undefined) return { dtype, shape: [x[0], channels, ...new Array<Dim>(spatial).fill(null)] };
  return { dtype, shape: [x[0], channels, ...x.slice(2).map((d, i) => windowOutput(d, g, i))] };
}

function convTranspose(ctx: InferContext): ValueFacts {
  const x = ctx.shape(0);
  const w = ctx.shape(1);
  const dtype = ctx.dtype(0);
  if (x === undefined || x.length < 3) return { dtype };
  const spatial = x.length - 2;
  if (w && typeof x[1] === "number" && typeof w[0] === "number" && x[1] !== w[0]) {
    ctx.problem(`input has ${x[1]} channels but the weight ${show(w)} expects ${w[0]}`);
  }
  // The weight is (Cin, Cout / group, kernel…).
  const channels: Dim = w ? multiply(w[1], groupOf(ctx.node)) : null;
  const outputShape = attrInts(ctx.node, "output_shape", []);
  if (outputShape.length > 0) {
    // output_shape may list only the spatial dims or the whole shape.
    return { dtype, shape: [x[0], channels, ...outputShape.slice(outputShape.length - spatial)] };
  }
  const g = windowGeometry(ctx.node, spatial, w?.slice(2));
  if (g === undefined) return { dtype, shape: [x[0], channels, ...new Array<Dim>(spatial).fill(null)] };
  const outputPadding = attrInts(ctx.node, "output_padding", new Array(spatial).fill(0));
  return { dtype, shape: [x[0], channels, ...x.slice(2).map((d, i) => transposedOutput(d, g, i, outputPadding[i]))] };
}

export const convRules: readonly ShapeRule[] = [
  { opType: "Conv", since: 1, infer: (ctx) => [conv(ctx)] },
  { opType: "ConvTranspose", since: 1, infer: (ctx) => [convTranspose(ctx)] },
];
