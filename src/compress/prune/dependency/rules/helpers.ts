// Small pieces the channel rules share: passing tracked axes through,
// reading axes lists, and following a per-channel parameter back to its
// initializer through the ops exporters put in front of it.
import { attrInt, attrInts } from "../../../../graph/attributes.js";
import type { Node } from "../../../../graph/types.js";
import type { Positions, RuleContext } from "../types.js";

/** Output `out` carries input `input`'s tracked axes unchanged. */
export function passThrough(ctx: RuleContext, input = 0, out = 0): void {
  const name = ctx.node.inputs[input];
  for (const [axis, positions] of (name && ctx.tracked(name)) || []) ctx.track(out, axis, positions);
}

/** A negative axis counted from the end, as ONNX allows. */
export function normalizeAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** The numbers of a constant input, or undefined when shape inference does not know them all. */
export function numbersOf(ctx: RuleContext, value: string | undefined): number[] | undefined {
  if (!value) return undefined;
  const v = ctx.value(value);
  return v !== undefined && v.every((d) => typeof d === "number") ? (v as number[]) : undefined;
}

/**
 * The `axes` of a node: an attribute before `inputSince`, input `inputIndex`
 * from then on. undefined: not given (the op's default applies); null: given
 * but unknown (computed at run time).
 */
export function axesOf(ctx: RuleContext, inputSince: number, inputIndex = 1): number[] | undefined | null {
  if (ctx.opset < inputSince) return ctx.node.attributes.axes ? [...attrInts(ctx.node, "axes")] : undefined;
  const name = ctx.node.inputs[inputIndex];
  if (!name) return undefined;
  return numbersOf(ctx, name) ?? null;
}

export function intAttr(node: Node, name: string, fallback: number): number {
  return attrInt(node, name, fallback);
}

/** Positions repeated: index i of the result is positions[floor(i / inner) % positions.length] over `outer` blocks. */
export function expand(positions: Positions, outer: number, inner: number): Positions {
  const k = positions.length;
  const out = new Int32Array(outer * k * inner);
  for (let o = 0; o < outer; o++) for (let i = 0; i < k; i++) out.fill(positions[i]!, (o * k + i) * inner, (o * k + i + 1) * inner);
  return out;
}

/** Where a per-channel operand comes from: an initializer and its axis, with the nodes on the way. */
export interface ParamSource {
  readonly initializer: string;
  readonly axis: number;
  readonly via: readonly string[];
}

/**
 * Follows `value` (an operand of size S on `axis`) back through Identity,
 * Cast, Unsqueeze, Squeeze, Transpose and Expand to an initializer whose axis
 * can be cut. An Expand that spells out S on that axis is rewritten to 1 (it
 * then broadcasts the cut size). undefined: it does not come from one initializer.
 */
export function traceParam(ctx: RuleContext, value: string, axis: number): ParamSource | undefined {
  let v = value;
  let a = axis;
  const via: string[] = [];
  for (let hops = 0; hops < 16; hops++) {
    const init = ctx.initializer(v);
    if (init) return { initializer: init, axis: a, via };
    const p = ctx.producer(v);
    if (!p) return undefined;
    const outRank = ctx.shape(v)?.length;
    const inRank = ctx.shape(p.inputs[0] ?? "")?.length;
    if (outRank === undefined || inRank === undefined) return undefined;
    switch (p.opType) {
      case "Identity":
      case "Cast":
        break;
      case "Transpose": {
        const perm = p.attributes.perm?.type === "ints" ? p.attributes.perm.value : [...Array(inRank).keys()].reverse();
        a = perm[a]!;
        break;
      }
      case "Unsqueeze": {
        const axes = (p.inputs[1] ? numbersOf(ctx, p.inputs[1]) : p.attributes.axes?.type === "ints" ? [...p.attributes.axes.value] : undefined)?.map((x) => normalizeAxis(x, outRank));
        if (!axes || axes.includes(a)) return undefined;
        a -= axes.filter((x) => x < a).length;
        break;
      }
      case "Squeeze": {
        const inShape = ctx.shape(p.inputs[0]!)!;
        const given = p.inputs[1] ? numbersOf(ctx, p.inputs[1]) : p.attributes.axes?.type === "ints" ? [...p.attributes.axes.value] : undefined;
        const axes = given ? given.map((x) => normalizeAxis(x, inRank)) : inShape.flatMap((d, i) => (d === 1 ? [i] : []));
        const kept = [...Array(inRank).keys()].filter((i) => !axes.includes(i));
        a = kept[a]!;
        break;
      }
      case "Expand": {
        const inAxis = a - (outRank - inRank);
        const inDim = ctx.shape(p.inputs[0]!)![inAxis];
        if (inAxis < 0 || inDim === 1) return undefined;
        const target = numbersOf(ctx, p.inputs[1]);
        const at = target?.[a - (outRank - (target?.length ?? outRank))];
        if (at === undefined) {
          // The target's element on this axis is unknown or symbolic; it must be 1 for the cut input size to carry.
          const known = ctx.value(p.inputs[1]!);
          const element = known?.[a - (outRank - known.length)];
          if (element !== 1) return undefined;
        } else if (at !== 1) {
          const node = p.name;
          const index = a - (outRank - target!.length);
          ctx.rewrite((_kept, edit) => {
            const shape = target!.slice();
            shape[index] = 1;
            const name = edit.addInitializer(`${node}_shape`, int64Tensor(shape));
            const current = edit.node(node);
            edit.updateNode(node, { inputs: [current.inputs[0]!, name] });
          });
        }
        a = inAxis;
        break;
      }
      default:
        return undefined;
    }
    via.push(p.name);
    v = p.inputs[0]!;
  }
  return undefined;
}

/** A 1-D int64 constant (shape targets, Slice bounds, split sizes). */
export function int64Tensor(values: readonly number[]) {
  return Object.freeze({ dtype: "int64" as const, dims: Object.freeze([values.length]), data: BigInt64Array.from(values.map((v) => BigInt(v))) });
}
