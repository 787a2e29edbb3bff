// Channel counts read at run time. Exporters compute reshape targets and
// slice bounds from Shape(x): after a cut those would change on their own,
// not necessarily as the cut needs. This follows, element by element, which
// small integer values depend on the size of a tracked channel axis, through
// the arithmetic exporters emit (Gather, Slice, Concat, Unsqueeze, Cast,
// Add, Div, …). A node that uses such a value is fine when its rule replaces
// that input with constants (Reshape, Slice, Split); anywhere else the
// channels it depends on are pinned, naming the node.
import { attrInt } from "../../../graph/attributes.js";
import type { Node } from "../../../graph/types.js";
import type { Positions, RuleContext } from "./types.js";

/** Per element of a small int value: the channel axes its number depends on. */
type Taint = readonly (readonly Positions[])[];

const SAME = new Set(["Identity", "Cast", "Unsqueeze", "Squeeze", "Floor", "Ceil", "Neg", "Abs", "Sqrt", "Reciprocal", "Round", "Not"]);
const ELEMENTWISE = new Set(["Add", "Sub", "Mul", "Div", "Mod", "Max", "Min", "Pow", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Where", "And", "Or"]);
const REDUCE = new Set(["ReduceProd", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceMean"]);

const union = (lists: readonly (readonly Positions[])[]): Positions[] => [...new Set(lists.flat())];

export class ShapeTaint {
  private readonly taints = new Map<string, Taint>();

  /** Call after the node's rule; `replaced` are the inputs its rewrite turns into constants. */
  visit(ctx: RuleContext, replaced: ReadonlySet<number>): void {
    const node = ctx.node;
    if (node.opType === "Shape" || node.opType === "Size") return this.fromShape(ctx);
    const tainted = node.inputs.map((v, i) => (v && !replaced.has(i) ? this.taints.get(v) : undefined));
    if (!tainted.some((t) => t && t.some((e) => e.length > 0))) return;
    const out = this.propagate(ctx, tainted);
    if (out) {
      this.taints.set(node.outputs[0]!, out);
      return;
    }
    for (const t of tainted) for (const p of union(t ?? [])) ctx.pin(p, `node "${node.name}" (${node.opType}) uses the channel count at run time`);
  }

  private fromShape(ctx: RuleContext): void {
    const x = ctx.node.inputs[0]!;
    const axes = ctx.tracked(x);
    if (!axes) return;
    const rank = ctx.shape(x)?.length;
    if (ctx.node.opType === "Size" || rank === undefined) {
      this.taints.set(ctx.node.outputs[0]!, [[...axes.values()]]);
      return;
    }
    const clamp = (v: number) => Math.max(0, Math.min(rank, v < 0 ? v + rank : v));
    const start = clamp(attrInt(ctx.node, "start", 0));
    const end = clamp(attrInt(ctx.node, "end", rank));
    const elements: Positions[][] = [];
    for (let i = start; i < end; i++) elements.push(axes.get(i) ? [axes.get(i)!] : []);
    this.taints.set(ctx.node.outputs[0]!, elements);
  }

  /** The output's taint, or undefined when the node consumes the value (it is then pinned). */
  private propagate(ctx: RuleContext, inputs: readonly (Taint | undefined)[]): Taint | undefined {
    const node: Node = ctx.node;
    const lengthOf = (i: number) => {
      const v = ctx.value(node.inputs[i] ?? "");
      return v?.length ?? 1;
    };
    const of = (i: number): Taint => inputs[i] ?? Array.from({ length: lengthOf(i) }, () => []);
    if (SAME.has(node.opType)) return of(0);
    if (REDUCE.has(node.opType)) return [union(of(0))];
    if (ELEMENTWISE.has(node.opType)) {
      const all = node.inputs.map((_, i) => of(i));
      const n = Math.max(...all.map((t) => t.length));
      return Array.from({ length: n }, (_, k) => union(all.map((t) => t[t.length === 1 ? 0 : k] ?? [])));
    }
    if (node.opType === "Concat") return node.inputs.flatMap((_, i) => of(i));
    if (node.opType === "Gather" && !inputs[1]) {
      const data = of(0);
      const indices = ctx.value(node.inputs[1]!);
      if (!indices || !indices.every((d) => typeof d === "number")) return [union(data)];
      return (indices as number[]).map((k) => data[k < 0 ? k + data.length : k] ?? union(data));
    }
    if (node.opType === "Slice" && !inputs[1] && !inputs[2]) {
      const data = of(0);
      const starts = ctx.value(node.inputs[1] ?? "");
      const ends = ctx.value(node.inputs[2] ?? "");
      const s = starts?.[0];
      const e = ends?.[0];
      if (typeof s !== "number" || typeof e !== "number" || (node.inputs[4] && ctx.value(node.inputs[4])?.[0] !== 1)) return [union(data)];
      const clamp = (v: number) => Math.max(0, Math.min(data.length, v < 0 ? v + data.length : v));
      return data.slice(clamp(s), clamp(e));
    }
    return undefined;
  }
}
