// Conv and ConvTranspose. A plain Conv is where channels start: its output
// channels are new units (cutting filters W[o] and bias b[o]); its tracked
// input channels cut W[:, c]. Grouped convs keep their group structure:
//   depthwise (one input channel per group): a group goes as a whole, so
//     output channels t·m … t·m+m−1 follow input channel t and `group` shrinks;
//   wider groups (ResNeXt, RegNet): each group keeps the same width, so the
//     j-th input channel of every group is one unit (and likewise the k-th
//     output channel), and `group` stays.
import { attrInt } from "../../../../graph/attributes.js";
import type { ChannelRule, Positions, RuleContext } from "../types.js";

function weightsOf(ctx: RuleContext): { w: string; dims: readonly number[]; b: string | undefined } | undefined {
  const w = ctx.initializer(ctx.node.inputs[1] ?? "");
  const dims = w ? ctx.shape(w) : undefined;
  if (!w || !dims || !dims.every((d) => typeof d === "number")) return undefined;
  const bias = ctx.node.inputs[2];
  return { w, dims: dims as number[], b: bias ? ctx.initializer(bias) ?? "" : undefined };
}

/** Only axis 1 of a conv's input may carry channels (NCHW). */
function inputChannels(ctx: RuleContext): Positions | undefined | null {
  const x = ctx.node.inputs[0]!;
  const axes = ctx.tracked(x);
  if (!axes) return undefined;
  if ([...axes.keys()].some((a) => a !== 1)) {
    ctx.unmappable("reads channels on a spatial axis");
    return null;
  }
  return axes.get(1);
}

export const conv: ChannelRule = (ctx) => {
  const weights = weightsOf(ctx);
  const x = ctx.node.inputs[0]!;
  const input = inputChannels(ctx);
  if (input === null) return;
  if (!weights || weights.b === "") {
    if (input) ctx.unmappable("has weights computed at run time");
    return;
  }
  const { w, dims, b } = weights;
  const [cout, perGroup] = [dims[0]!, dims[1]!];
  const group = attrInt(ctx.node, "group", 1);
  const y = ctx.node.outputs[0]!;
  const outputs = (positions: Positions) => {
    ctx.cut({ initializer: w, axis: 0, role: "out" }, positions, { value: y, axis: 1 });
    if (b) ctx.cut({ initializer: b, axis: 0, role: "out" }, positions, { value: y, axis: 1 });
    ctx.track(0, 1, positions);
    ctx.site({ value: y, axis: 1, positions, kind: "output" });
  };
  if (input) ctx.site({ value: x, axis: 1, positions: input, kind: "input" });

  if (group === 1) {
    if (input) ctx.cut({ initializer: w, axis: 1, role: "in" }, input, { value: x, axis: 1 });
    outputs(ctx.fresh(cout));
    return;
  }
  const multiplier = cout / group;
  if (perGroup === 1) {
    if (!input) {
      // Depthwise over channels nobody tracks (a graph input): groups cannot go.
      const fixed = ctx.fresh(cout);
      ctx.pin(fixed, `depthwise node "${ctx.node.name}" reads untracked channels, so its groups stay`);
      outputs(fixed);
      return;
    }
    const out = new Int32Array(cout);
    for (let t = 0; t < group; t++) out.fill(input[t]!, t * multiplier, (t + 1) * multiplier);
    outputs(out);
    const name = ctx.node.name;
    ctx.rewrite((kept, edit) => {
      const node = edit.node(name);
      edit.updateNode(name, { attributes: { ...node.attributes, group: { type: "int", value: kept.kept(input).length } } });
    });
    return;
  }
  if (input) {
    for (let t = 1; t < group; t++) ctx.couple(input.subarray(0, perGroup), input.subarray(t * perGroup, (t + 1) * perGroup));
    ctx.cut({ initializer: w, axis: 1, role: "in" }, input.slice(0, perGroup), { value: x, axis: 1 });
  }
  const units = ctx.fresh(multiplier);
  const out = new Int32Array(cout);
  for (let t = 0; t < group; t++) out.set(units, t * multiplier);
  outputs(out);
};

/** ConvTranspose: W is [Cin, Cout/group, k…]; grouped ones are not mapped. */
export const convTranspose: ChannelRule = (ctx) => {
  const weights = weightsOf(ctx);
  const x = ctx.node.inputs[0]!;
  const input = inputChannels(ctx);
  if (input === null) return;
  if (!weights || weights.b === "" || attrInt(ctx.node, "group", 1) !== 1) {
    if (input) ctx.unmappable(weights ? "is a grouped ConvTranspose" : "has weights computed at run time");
    return;
  }
  const { w, dims, b } = weights;
  if (input) {
    ctx.cut({ initializer: w, axis: 0, role: "in" }, input, { value: x, axis: 1 });
    ctx.site({ value: x, axis: 1, positions: input, kind: "input" });
  }
  const y = ctx.node.outputs[0]!;
  const out = ctx.fresh(dims[1]!);
  ctx.cut({ initializer: w, axis: 1, role: "out" }, out, { value: y, axis: 1 });
  if (b) ctx.cut({ initializer: b, axis: 0, role: "out" }, out, { value: y, axis: 1 });
  ctx.track(0, 1, out);
  ctx.site({ value: y, axis: 1, positions: out, kind: "output" });
};
