// DepthToSpace and SpaceToDepth (run by runtime/tfjs/ops/depth-to-space.ts).
import { defineOp, versionsOf } from "./define.js";

export const DepthToSpace = defineOp("DepthToSpace", {
  1: { attributes: { blocksize: { type: "int", required: true }, mode: { type: "string", default: "DCR" } } },
});
export const SpaceToDepth = defineOp("SpaceToDepth", { 1: { attributes: { blocksize: { type: "int", required: true } } } });

export const depthToSpaceOps = versionsOf(DepthToSpace, SpaceToDepth);
