// Reductions. Axes come from the attribute (before opset 13/18) or the second
// input; none means all axes unless noop_with_empty_axes. The composite ones
// (L1, L2, sum of squares, log-sum, log-sum-exp) are written with Sum/Max.
import { attrInt, attrInts } from "../../../../graph/attributes.js";
import { TF_ATTR, type TfAttrs } from "../../tf-attrs.js";
import { T, axisFor } from "./helpers.js";
import type { ExportContext, ExportOp } from "./types.js";

function axesOf(c: ExportContext, fromInput: boolean): number[] | undefined {
  const rank = c.rank(0);
  let axes: readonly number[] | undefined;
  if (fromInput) {
    if (c.has(1)) {
      axes = c.known(1);
      if (axes === undefined) c.fail("reduction axes must be constants");
    }
  } else if (c.node.attributes.axes) axes = attrInts(c.node, "axes");
  if (axes === undefined || axes.length === 0) {
    if (fromInput && attrInt(c.node, "noop_with_empty_axes", 0) === 1) return undefined;
    return Array.from({ length: rank }, (_, i) => i);
  }
  return axes.map((a) => axisFor(c, a, rank));
}

type Build = (c: ExportContext, x: string, axes: string, keep: TfAttrs) => string;

const plain = (tfOp: string): Build => (c, x, axes, keep) => c.b.op(tfOp, [x, axes], keep, c.node.name);
const sumOf = (pre: (c: ExportContext, x: string) => string, post?: (c: ExportContext, y: string) => string): Build => (c, x, axes, keep) => {
  const y = c.b.op("Sum", [pre(c, x), axes], keep, post ? c.part("sum") : c.node.name);
  return post ? post(c, y) : y;
};
const unary = (tfOp: string, part: string) => (c: ExportContext, x: string) => c.b.op(tfOp, [x], T("float32"), part === "" ? c.node.name : c.part(part));

/** Always keeps the reduced axes; reduce() squeezes them when keepdims is 0. */
const logSumExp: Build = (c, x, axes) => {
  // max + log Σ exp(x − max), stable for large values.
  const keep = { keep_dims: TF_ATTR.b(true), ...T("float32") };
  const max = c.b.op("Max", [x, axes], keep, c.part("max"));
  const exp = c.b.op("Exp", [c.b.op("Sub", [x, max], T("float32"), c.part("shifted"))], T("float32"), c.part("exp"));
  const sum = c.b.op("Sum", [exp, axes], keep, c.part("sum"));
  return c.b.op("AddV2", [c.b.op("Log", [sum], T("float32"), c.part("log")), max], T("float32"), c.node.name);
};

function reduce(opType: string, build: Build): ExportOp[] {
  const convert = (fromInput: boolean) => (c: ExportContext): string[] => {
    const axes = axesOf(c, fromInput);
    if (axes === undefined) return [c.b.op("Identity", [c.input(0)], T(c.type(0)), c.node.name)];
    const keep = { keep_dims: TF_ATTR.b(attrInt(c.node, "keepdims", 1) === 1), ...T(c.type(0)) };
    if (build === logSumExp && !keep.keep_dims.b) {
      return [c.b.op("Squeeze", [logSumExp(c, c.input(0), c.b.ints(c.part("axes"), axes), keep)], { axis: TF_ATTR.ints(axes) }, c.part("squeezed"))];
    }
    return [build(c, c.input(0), c.b.ints(c.part("axes"), axes), keep)];
  };
  // ReduceSum takes axes as an input from opset 13, the others from opset 18.
  const inputSince = opType === "ReduceSum" ? 13 : 18;
  return [
    { opType, since: 1, convert: convert(false) },
    { opType, since: inputSince, convert: convert(true) },
  ];
}

function argReduce(tfOp: "ArgMax" | "ArgMin"): ExportOp {
  return {
    opType: tfOp,
    since: 1,
    convert: (c) => {
      if (attrInt(c.node, "select_last_index", 0) === 1) c.fail("select_last_index = 1 has no TF.js op");
      const axis = axisFor(c, attrInt(c.node, "axis", 0), c.rank(0));
      const keep = attrInt(c.node, "keepdims", 1) === 1;
      const y = c.b.op(tfOp, [c.input(0), c.b.int(c.part("axis"), axis)], { output_type: TF_ATTR.type("DT_INT32"), ...T(c.type(0)) }, keep ? c.part("arg") : c.node.name);
      return [keep ? c.b.op("ExpandDims", [y, c.b.int(c.part("keep_axis"), axis)], {}, c.node.name) : y];
    },
  };
}

export const REDUCE_OPS: readonly ExportOp[] = [
  ...reduce("ReduceMean", plain("Mean")),
  ...reduce("ReduceSum", plain("Sum")),
  ...reduce("ReduceMax", plain("Max")),
  ...reduce("ReduceMin", plain("Min")),
  ...reduce("ReduceProd", plain("Prod")),
  ...reduce("ReduceSumSquare", sumOf((c, x) => c.b.op("Mul", [x, x], T("float32"), c.part("square")))),
  ...reduce("ReduceL1", sumOf(unary("Abs", "abs"))),
  ...reduce("ReduceL2", sumOf((c, x) => c.b.op("Mul", [x, x], T("float32"), c.part("square")), (c, y) => unary("Sqrt", "")(c, y))),
  ...reduce("ReduceLogSum", sumOf((_c, x) => x, (c, y) => unary("Log", "")(c, y))),
  ...reduce("ReduceLogSumExp", logSumExp),
  argReduce("ArgMax"),
  argReduce("ArgMin"),
];
