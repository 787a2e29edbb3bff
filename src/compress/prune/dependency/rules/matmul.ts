// Gemm and MatMul. With a weight initializer B they are layers: their output
// features are new units (columns of B, the bias), tracked input features
// cut rows of B — after a Flatten a row block per channel. Between two
// activations (attention's Q·Kᵀ and A·V) the contracted axes are coupled, the
// M and N axes pass to the output and broadcast batch axes couple like an Add.
import { attrInt } from "../../../../graph/attributes.js";
import type { ChannelRule, Positions, RuleContext } from "../types.js";
import { traceParam } from "./helpers.js";

/** Cut a weight's axis in role `role`, or pin when the operand is not one initializer. */
function cutWeight(ctx: RuleContext, value: string, axis: number, positions: Positions, role: "in" | "out", trigger: { value: string; axis: number }): void {
  const init = ctx.initializer(value);
  if (init) ctx.cut({ initializer: init, axis, role }, positions, trigger);
  else ctx.pin(positions, `node "${ctx.node.name}" (${ctx.node.opType}) multiplies them by "${value}", which is computed, not a weight`);
}

export const gemm: ChannelRule = (ctx) => {
  const [a, b, c] = ctx.node.inputs as [string, string, string | undefined];
  const transA = attrInt(ctx.node, "transA", 0);
  const transB = attrInt(ctx.node, "transB", 0);
  const y = ctx.node.outputs[0]!;
  const aAxes = ctx.tracked(a);
  const bAxes = ctx.tracked(b);
  const weight = ctx.initializer(b);
  // A's contraction axis is 1 (0 when transposed); B's is 0 (1 when transposed).
  const aK = aAxes?.get(transA ? 0 : 1);
  const aM = aAxes?.get(transA ? 1 : 0);
  if (aK) {
    if (bAxes?.get(transB ? 1 : 0)) ctx.couple(aK, bAxes.get(transB ? 1 : 0)!);
    else cutWeight(ctx, b, transB ? 1 : 0, aK, "in", { value: a, axis: transA ? 0 : 1 });
    ctx.site({ value: a, axis: transA ? 0 : 1, positions: aK, kind: "input" });
  }
  if (aM) ctx.track(0, 0, aM);
  const bN = bAxes?.get(transB ? 0 : 1);
  if (bN) ctx.track(0, 1, bN);
  else if (weight) {
    const n = ctx.shape(weight)![transB ? 0 : 1] as number;
    const out = ctx.fresh(n);
    ctx.cut({ initializer: weight, axis: transB ? 0 : 1, role: "out" }, out, { value: y, axis: 1 });
    if (c) {
      const shape = ctx.shape(c);
      const cAxis = shape?.length === 2 ? 1 : 0;
      if (shape && shape[cAxis] === n) {
        const param = traceParam(ctx, c, cAxis);
        if (param) ctx.cut({ initializer: param.initializer, axis: param.axis, role: "out" }, out, { value: y, axis: 1, via: param.via });
        else ctx.pin(out, `node "${ctx.node.name}" (Gemm) adds "${c}", a bias compactor cannot cut`);
      }
    }
    ctx.track(0, 1, out);
    ctx.site({ value: y, axis: 1, positions: out, kind: "output" });
  }
  if (aAxes && [...aAxes.keys()].some((k) => k > 1)) ctx.unmappable("has an input of rank > 2");
};

export const matmul: ChannelRule = (ctx) => {
  const [a, b] = ctx.node.inputs as [string, string];
  const y = ctx.node.outputs[0]!;
  const aShape = ctx.shape(a);
  const bShape = ctx.shape(b);
  const yShape = ctx.shape(y);
  const aAxes = ctx.tracked(a);
  const bAxes = ctx.tracked(b);
  if (!aShape || !bShape || !yShape || aShape.length < 2 || bShape.length < 2) {
    if (aAxes || bAxes) ctx.unmappable("is a MatMul with a 1-D or unknown-rank operand");
    return;
  }
  const [ra, rb, ry] = [aShape.length, bShape.length, yShape.length];
  // Contraction: A's last axis with B's second to last.
  const aK = aAxes?.get(ra - 1);
  const bK = bAxes?.get(rb - 2);
  if (aK && bK) ctx.couple(aK, bK);
  else if (aK) cutWeight(ctx, b, rb - 2, aK, "in", { value: a, axis: ra - 1 });
  else if (bK) cutWeight(ctx, a, ra - 1, bK, "in", { value: b, axis: rb - 2 });
  if (aK) ctx.site({ value: a, axis: ra - 1, positions: aK, kind: "input" });
  // M and N.
  const aM = aAxes?.get(ra - 2);
  if (aM) ctx.track(0, ry - 2, aM);
  const bN = bAxes?.get(rb - 1);
  const weight = ctx.initializer(b);
  if (bN) ctx.track(0, ry - 1, bN);
  else if (weight && !bAxes) {
    const out = ctx.fresh(bShape[rb - 1] as number);
    ctx.cut({ initializer: weight, axis: rb - 1, role: "out" }, out, { value: y, axis: ry - 1 });
    ctx.track(0, ry - 1, out);
    ctx.site({ value: y, axis: ry - 1, positions: out, kind: "output" });
  }
  // Batch axes broadcast from the right, as in an Add.
  for (let axis = 0; axis < ry - 2; axis++) {
    const pa = aAxes?.get(axis - (ry - ra));
    const pb = bAxes?.get(axis - (ry - rb));
    if (pa && pb) ctx.couple(pa, pb);
    const p = pa ?? pb;
    if (!p) continue;
    const other = pa ? bShape[axis - (ry - rb)] : aShape[axis - (ry - ra)];
    if (!(pa && pb) && other !== undefined && other !== 1) {
      ctx.pin(p, `node "${ctx.node.name}" (MatMul) pairs batch axis ${axis} with "${pa ? b : a}", whose channels there are not tracked`);
      continue;
    }
    ctx.track(0, axis, p);
  }
};
