// Elementwise ops. Unary ones pass channels through. Broadcasting ones align
// their inputs from the right: on each output axis, every input that tracks
// channels there is coupled position by position (a residual Add, a
// squeeze-excite Mul); an untracked input of the full size must be a
// per-channel parameter (a bias, a layer scale, a position embedding), cut
// with them; one of size 1 broadcasts and needs nothing.
import type { ChannelRule, Positions, RuleContext } from "../types.js";
import { passThrough, traceParam } from "./helpers.js";

export const unary: ChannelRule = (ctx) => passThrough(ctx);

/** A broadcasting rule over the inputs `dataInputs` picks (default: all). */
export function broadcasting(dataInputs?: (ctx: RuleContext) => readonly number[]): ChannelRule {
  return (ctx) => {
    const indices = dataInputs ? dataInputs(ctx) : ctx.node.inputs.map((_, i) => i);
    const inputs = indices.map((i) => ctx.node.inputs[i]).filter((v): v is string => !!v);
    if (!inputs.some((v) => ctx.tracked(v))) return;
    const out = ctx.shape(ctx.node.outputs[0]!);
    if (!out) return ctx.unmappable("has an output of unknown rank");
    const rank = out.length;
    for (let axis = 0; axis < rank; axis++) {
      const here: Positions[] = [];
      for (const v of inputs) {
        const r = ctx.shape(v)?.length ?? rank;
        const p = ctx.tracked(v)?.get(axis - (rank - r));
        if (p) here.push(p);
      }
      if (here.length === 0) continue;
      const base = here[0]!;
      for (const other of here.slice(1)) {
        if (other.length === base.length) ctx.couple(base, other);
        else ctx.pin(base, `node "${ctx.node.name}" (${ctx.node.opType}) combines ${base.length} and ${other.length} channels on axis ${axis}`);
      }
      const size = out[axis];
      if (typeof size === "number" && size !== base.length) {
        ctx.pin(base, `node "${ctx.node.name}" (${ctx.node.opType}) broadcasts ${base.length} channel(s) on axis ${axis} to ${size}`);
        continue;
      }
      for (const v of inputs) {
        const shape = ctx.shape(v);
        const r = shape?.length ?? rank;
        const inAxis = axis - (rank - r);
        if (ctx.tracked(v)?.get(inAxis)) continue;
        const dim = inAxis >= 0 ? shape?.[inAxis] : 1;
        if (dim === 1) continue;
        const param = dim === base.length ? traceParam(ctx, v, inAxis) : undefined;
        if (param) ctx.cut({ initializer: param.initializer, axis: param.axis, role: "param" }, base, { value: v, axis: inAxis, via: param.via });
        else ctx.pin(base, `node "${ctx.node.name}" (${ctx.node.opType}) combines them with "${v}", whose channels on axis ${axis} compactor cannot cut`);
      }
      ctx.track(0, axis, base);
    }
  };
}

/** Ops that act on each element alone (the data input is input 0; the others are scalars or absent). */
export const UNARY_OPS = [
  "Relu", "LeakyRelu", "Elu", "Selu", "Celu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Softplus", "Softsign", "Mish", "Gelu",
  "Erf", "Exp", "Log", "Sqrt", "Reciprocal", "Neg", "Abs", "Sign", "Round", "Floor", "Ceil", "Sin", "Cos", "ThresholdedRelu",
  "Identity", "Dropout", "Cast", "Clip", "Not", "IsNaN", "IsInf", "Shrink", "Softmax", "LogSoftmax",
] as const;

export const BROADCAST_OPS = [
  "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Mean", "Sum", "PRelu", "Where", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual",
  "And", "Or", "Xor", "Mod", "BitShift",
] as const;
