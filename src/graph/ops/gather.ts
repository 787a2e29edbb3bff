// Gather, GatherElements, GatherND and the scatters (run by
// runtime/tfjs/ops/gather.ts).
import { defineOp, versionsOf } from "./define.js";

const axis = { axis: { type: "int", default: 0 } } as const;

export const Gather = defineOp("Gather", { 1: { attributes: axis } });
export const GatherElements = defineOp("GatherElements", { 11: { attributes: axis } });
export const GatherND = defineOp("GatherND", { 11: { attributes: { batch_dims: { type: "int", default: 0 } } } });
export const Scatter = defineOp("Scatter", { 1: {}, 9: { attributes: axis } });
export const ScatterElements = defineOp("ScatterElements", {
  1: {},
  11: { attributes: { ...axis, reduction: { type: "string", default: "none" } } },
});
export const ScatterND = defineOp("ScatterND", { 1: {}, 11: {}, 16: { attributes: { reduction: { type: "string", default: "none" } } } });

export const gatherOps = versionsOf(Gather, GatherElements, GatherND, Scatter, ScatterElements, ScatterND);
