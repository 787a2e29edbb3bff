// Conv and ConvTranspose: channels from the weight, spatial sizes from the window.
import { attrInts } from "../attributes.js";
import type { Dim } from "../types.js";
import { transposedOutput, windowGeometry, windowOutput } from "./window.js";
import type { InferContext, ShapeRule, ValueFacts } from "./types.js";

export function conv(ctx: InferContext): ValueFacts {
  const x = ctx.shape(0);
  const w = ctx.shape(1);
  const dtype = ctx.dtype(0);
  if (x === undefined || x.length < 3) return { dtype };
  const spatial = x.length - 2;
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
  const group = ctx.node.attributes.group?.value;
  const perGroup = w?.[1];
  const channels: Dim = typeof perGroup === "number" ? perGroup * (typeof group === "number" ? group : 1) : null;
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
