// Elementwise ops with numpy broadcasting: arithmetic, comparisons, logic,
// Where, variadic Sum/Mean/Min/Max. Small shape-like values are folded so
// PyTorch's shape arithmetic (Shape → Gather → Mul → Concat) stays known.
import { attrInt } from "../attributes.js";
import type { DType, Dim } from "../types.js";
import { broadcast, divide, multiply } from "./dims.js";
import type { InferContext, ShapeRule, ValueFacts } from "./types.js";

/** Elements of `value` (shape `from`) broadcast to `to`; both shapes fully known. */
function expandValue(value: readonly Dim[], from: readonly number[], to: readonly number[]): Dim[] {
  const total = to.reduce((a, b) => a * b, 1);
  const out: Dim[] = new Array(total);
  for (let flat = 0; flat < total; flat++) {
    let rest = flat;
    let src = 0;
    let stride = 1;
    for (let axis = to.length - 1; axis >= 0; axis--) {
      const i = rest % to[axis];
      rest = Math.floor(rest / to[axis]);
      const fromAxis = axis - (to.length - from.length);
      if (fromAxis >= 0) {
        const size = from[fromAxis];
        if (size !== 1) src += i * stride;
        stride *= size;
      }
    }
    out[flat] = value[src];
  }
  return out;
}

type Fold = (values: readonly Dim[]) => Dim;

/** Shape of the broadcast inputs and, when every input's value is known, the folded value. */
function elementwise(ctx: InferContext, indices: readonly number[], dtype: DType | undefined, fold?: Fold): ValueFacts {
  const shapes = indices.map((i) => ctx.shape(i));
  if (shapes.some((s) => s === undefined)) return { dtype };
  const shape = broadcast(shapes as Dim[][]);
  if (typeof shape === "string") {
    ctx.problem(shape);
    return { dtype };
  }
  const values = indices.map((i) => ctx.value(i));
  if (!fold || values.some((v) => v === undefined) || !shape.every((d) => typeof d === "number")) return { dtype, shape };
  const to = shape as number[];
  const expanded = values.map((v, k) => expandValue(v!, shapes[k] as number[], to));
  const value = expanded[0].map((_, e) => fold(expanded.map((v) => v[e])));
  return { dtype, shape, value };
}

function numeric(f: (a: number, b: number) => number): Fold {
  return (vs) => (vs.every((v) => typeof v === "number") ? vs.slice(1).reduce<number>((acc, v) => f(acc, v as number), vs[0] as number) : null);
}

/** Multiplying or adding with a neutral element keeps a symbol: N * 1 = N, N + 0 = N. */
function keepsSymbol(f: (a: number, b: number) => number, neutral: number): Fold {
  const plain = numeric(f);
  return (vs) => {
    const symbols = vs.filter((v) => typeof v !== "number");
    if (symbols.length === 1 && vs.every((v) => typeof v !== "number" || v === neutral)) return symbols[0];
    return plain(vs);
  };
}

const integerDivide = (a: number, b: number): Dim => (b === 0 ? null : Math.trunc(a / b));

function binary(opType: string, fold: Fold | undefined, since = 1): ShapeRule {
  return { opType, since, infer: (ctx) => [elementwise(ctx, [0, 1], ctx.dtype(0) ?? ctx.dtype(1), fold)] };
}

function comparison(opType: string, test: (a: number, b: number) => boolean): ShapeRule {
  const fold: Fold = (vs) => {
    const [a, b] = vs;
    if (typeof a === "number" && typeof b === "number") return test(a, b) ? 1 : 0;
    // Equal on the same symbol is true (PyTorch's "Equal(shape, -1)" patterns compare known dims).
    if (opType === "Equal" && a !== null && a === b) return 1;
    if (opType === "Equal" && typeof a === "string" && typeof b === "number" && b < 0) return 0;
    if (opType === "Equal" && typeof b === "string" && typeof a === "number" && a < 0) return 0;
    return null;
  };
  return { opType, since: 1, infer: (ctx) => [elementwise(ctx, [0, 1], "bool", fold)] };
}

function variadic(opType: string, fold: Fold | undefined): ShapeRule {
  return {
    opType,
    since: 1,
    infer: (ctx) => {
      const indices = ctx.node.inputs.map((_, i) => i);
      return [elementwise(ctx, indices, ctx.dtype(0), fold)];
    },
  };
}

function divFold(vs: readonly Dim[]): Dim {
  const [a, b] = vs;
  if (typeof a === "number" && typeof b === "number") return b === 0 ? null : a / b;
  return divide(a, b);
}

export const broadcastRules: readonly ShapeRule[] = [
  binary("Add", keepsSymbol((a, b) => a + b, 0)),
  binary("Sub", (vs) => (vs[1] === 0 ? vs[0] : numeric((a, b) => a - b)(vs))),
  binary("Mul", ([a, b]) => multiply(a, b)),
  {
    opType: "Div",
    since: 1,
    infer: (ctx) => {
      const dtype = ctx.dtype(0) ?? ctx.dtype(1);
      const isFloat = dtype?.startsWith("float") || dtype === "bfloat16";
      // Integer division of shape values: exact quotients stay symbolic ("4*batch" / 4 = "batch").
      const fold: Fold = isFloat ? divFold : ([a, b]) => (typeof a === "number" && typeof b === "number" ? integerDivide(a, b) : divide(a, b));
      return [elementwise(ctx, [0, 1], dtype, fold)];
    },
  },
  binary("Pow", numeric((a, b) => a ** b)),
  {
    opType: "Mod",
    since: 1,
    infer: (ctx) => {
      // fmod=1 is C's remainder (sign of the dividend, JS's %); fmod=0 takes the divisor's sign.
      const fmod = attrInt(ctx.node, "fmod", 0) === 1;
      const fold: Fold = ([a, b]) =>
        typeof a === "number" && typeof b === "number" && b !== 0 ? (fmod ? a % b : a - Math.floor(a / b) * b) : null;
      return [elementwise(ctx, [0, 1], ctx.dtype(0) ?? ctx.dtype(1), fold)];
    },
  },
  binary("And", numeric((a, b) => (a && b ? 1 : 0))),
  binary("Or", numeric((a, b) => (a || b ? 1 : 0))),
  binary("Xor", numeric((a, b) => (!!a !== !!b ? 1 : 0))),
  binary("BitShift", undefined),
  comparison("Equal", (a, b) => a === b),
  comparison("Less", (a, b) => a < b),
  comparison("Greater", (a, b) => a > b),
  comparison("LessOrEqual", (a, b) => a <= b),
  comparison("GreaterOrEqual", (a, b) => a >= b),
  variadic("Sum", keepsSymbol((a, b) => a + b, 0)),
  variadic("Mean", undefined),
  variadic("Min", numeric(Math.min)),
  variadic("Max", numeric(Math.max)),
  {
    opType: "Where",
    since: 9,
    infer: (ctx) => {
      const pick: Fold = ([c, x, y]) => (c === null || typeof c === "string" ? (x === y ? x : null) : c ? x : y);
      return [elementwise(ctx, [0, 1, 2], ctx.dtype(1) ?? ctx.dtype(2), pick)];
    },
  },
];

