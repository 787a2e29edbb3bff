// DepthToSpace and SpaceToDepth: channels traded for spatial size by blocksize².
import { attrInt } from "../attributes.js";
import { divide, scale } from "./dims.js";
import type { InferContext, ShapeRule, ValueFacts } from "./types.js";

function rearrange(toSpace: boolean) {
  return (ctx: InferContext): ValueFacts[] => {
    const x = ctx.shape(0);
    const dtype = ctx.dtype(0);
    if (x === undefined || x.length !== 4) return [{ dtype }];
    const b = attrInt(ctx.node, "blocksize");
    const [n, c, h, w] = x;
    if (toSpace) {
      if (typeof c === "number" && c % (b * b) !== 0) ctx.problem(`channels ${c} are not divisible by blocksize² = ${b * b}`);
      return [{ dtype, shape: [n, divide(c, b * b), scale(h, b), scale(w, b)] }];
    }
    for (const d of [h, w]) if (typeof d === "number" && d % b !== 0) ctx.problem(`spatial size ${d} is not divisible by blocksize ${b}`);
    return [{ dtype, shape: [n, scale(c, b * b), divide(h, b), divide(w, b)] }];
  };
}

export const spaceRules: readonly ShapeRule[] = [
  { opType: "DepthToSpace", since: 1, infer: rearrange(true) },
  { opType: "SpaceToDepth", since: 1, infer: rearrange(false) },
];
