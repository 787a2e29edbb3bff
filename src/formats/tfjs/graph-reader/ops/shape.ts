// Ops that move elements: reshapes, axes, concatenation, gathering, slicing,
// tiling, padding. TF's int32 shape vectors become int64 where ONNX asks.
import { attrInt, attrInts, attrString, attrType } from "../../tf-attrs.js";
import type { ImportContext, ImportOp, TfType } from "./types.js";

const ONNX_TYPE: Readonly<Record<string, { code: number; type: TfType }>> = Object.freeze({
  DT_FLOAT: { code: 1, type: "float32" }, DT_HALF: { code: 1, type: "float32" }, DT_DOUBLE: { code: 1, type: "float32" },
  DT_INT32: { code: 6, type: "int32" }, DT_INT64: { code: 6, type: "int32" }, DT_INT8: { code: 6, type: "int32" }, DT_UINT8: { code: 6, type: "int32" },
  DT_BOOL: { code: 9, type: "bool" },
});

function cast(c: ImportContext) {
  const to = ONNX_TYPE[attrType(c.attrs, "DstT") ?? ""];
  if (!to) c.fail(`Cast to ${attrType(c.attrs, "DstT")} (TF.js holds float32, int32 and bool)`);
  return { outputs: c.onnx("Cast", [c.input(0)], { to: to!.code }), types: [to!.type] };
}

function shapeOf(c: ImportContext) {
  return { outputs: c.onnx("Cast", [c.onnx("Shape", [c.input(0)], {}, "shape")[0]!], { to: 6 }), types: ["int32" as TfType] };
}

function pack(c: ImportContext) {
  const axis = attrInt(c.attrs, "axis") ?? 0;
  const parts = Array.from({ length: c.inputCount }, (_, i) => c.onnx("Unsqueeze", [c.input(i), c.int64Const([axis], `axis_${i}`)], {}, `item_${i}`)[0]!);
  return { outputs: c.onnx("Concat", parts, { axis }) };
}

function unpack(c: ImportContext) {
  const axis = attrInt(c.attrs, "axis") ?? 0;
  const num = attrInt(c.attrs, "num");
  if (num === undefined) c.fail("Unpack needs its num attribute");
  const parts = c.onnx("Split", [c.input(0)], { axis }, "split", num);
  return { outputs: parts.map((p, i) => c.onnx("Squeeze", [p, c.int64Const([axis], `axis_${i}`)], {}, `item_${i}`)[0]!) };
}

/** StridedSlice: the masks turned into Slice's starts/ends plus Squeeze/Unsqueeze; no ellipsis. */
function stridedSlice(c: ImportContext) {
  const [begin, end, strides] = [c.ints(1), c.ints(2), c.ints(3)];
  const mask = (name: string) => attrInt(c.attrs, name) ?? 0;
  if (mask("ellipsis_mask") !== 0) c.fail("StridedSlice with an ellipsis mask");
  const n = begin?.length ?? end?.length ?? strides?.length;
  if (n === undefined || !strides) c.fail("StridedSlice strides must be constants");
  const [bm, em, nm, sm] = [mask("begin_mask"), mask("end_mask"), mask("new_axis_mask"), mask("shrink_axis_mask")];
  const HUGE = 2 ** 62;
  // Input axes: spec positions without new axes.
  const axes: number[] = [];
  const starts: (number | string)[] = [];
  const ends: (number | string)[] = [];
  const steps: number[] = [];
  const squeeze: number[] = [];
  const unsqueeze: number[] = [];
  let axis = 0;
  for (let i = 0; i < n!; i++) {
    if (nm & (1 << i)) {
      unsqueeze.push(i);
      continue;
    }
    const step = strides![i]!;
    const piece = (values: number[] | undefined, input: number, which: "b" | "e") => (values ? values[i]! : c.onnx("Slice", [c.int64(input), c.int64Const([i], `${which}${i}a`), c.int64Const([i + 1], `${which}${i}b`)], {}, `${which}${i}`)[0]!);
    let s: number | string = bm & (1 << i) ? (step > 0 ? 0 : HUGE) : piece(begin, 1, "b");
    let e: number | string = em & (1 << i) ? (step > 0 ? HUGE : -HUGE) : piece(end, 2, "e");
    if (sm & (1 << i)) {
      // One element: [s, s + 1); s = −1 means the last.
      if (typeof s !== "number") c.fail("shrinking StridedSlice with a run-time begin");
      e = s === -1 ? HUGE : (s as number) + 1;
      squeeze.push(axis);
    }
    axes.push(axis);
    starts.push(s);
    ends.push(e);
    steps.push(step);
    axis++;
  }
  const vector = (values: (number | string)[], name: string) => (values.every((v) => typeof v === "number") ? c.int64Const(values as number[], name) : c.onnx("Concat", values.map((v, k) => (typeof v === "number" ? c.int64Const([v], `${name}_${k}`) : v)), { axis: 0 }, name)[0]!);
  let y = c.onnx("Slice", [c.input(0), vector(starts, "starts"), vector(ends, "ends"), c.int64Const(axes, "axes"), c.int64Const(steps, "steps")], {}, squeeze.length || unsqueeze.length ? "slice" : undefined)[0]!;
  if (squeeze.length) y = c.onnx("Squeeze", [y, c.int64Const(squeeze, "squeeze_axes")], {}, unsqueeze.length ? "squeeze" : undefined)[0]!;
  if (unsqueeze.length) y = c.onnx("Unsqueeze", [y, c.int64Const(unsqueeze, "new_axes")])[0]!;
  return { outputs: [y] };
}

function split(c: ImportContext, v: boolean) {
  const axis = v ? c.ints(2)?.[0] : c.ints(0)?.[0];
  if (axis === undefined) c.fail("the split axis must be a constant");
  const n = attrInt(c.attrs, "num_split") ?? 1;
  const x = v ? c.input(0) : c.input(1);
  const sizes = v ? c.ints(1) : undefined;
  if (v && !sizes) c.fail("SplitV sizes must be a constant");
  return { outputs: c.onnx("Split", sizes ? [x, c.int64Const(sizes, "sizes")] : [x], { axis: axis! }, undefined, sizes?.length ?? n), types: Array((sizes?.length ?? n)).fill(c.type(v ? 0 : 1)) };
}

function pad(c: ImportContext, mode: "constant" | "reflect") {
  const paddings = c.ints(1);
  if (!paddings) c.fail("paddings must be a constant");
  const rank = paddings!.length / 2;
  const pads = [...Array.from({ length: rank }, (_, i) => paddings![2 * i]!), ...Array.from({ length: rank }, (_, i) => paddings![2 * i + 1]!)];
  if (mode === "reflect") {
    if ((attrString(c.attrs, "mode") ?? "REFLECT") !== "REFLECT") c.fail("MirrorPad SYMMETRIC has no ONNX mode");
    return { outputs: c.onnx("Pad", [c.input(0), c.int64Const(pads, "pads")], { mode: "reflect" }) };
  }
  return { outputs: c.onnx("Pad", [c.input(0), c.int64Const(pads, "pads"), ...(c.inputCount > 2 ? [c.input(2)] : [])], { mode: "constant" }) };
}

export const SHAPE_OPS: readonly ImportOp[] = [
  { tfOps: ["Cast"], convert: cast },
  { tfOps: ["Shape"], convert: shapeOf },
  { tfOps: ["Size"], convert: (c) => ({ outputs: c.onnx("Cast", [c.onnx("Size", [c.input(0)], {}, "size")[0]!], { to: 6 }), types: ["int32"] }) },
  { tfOps: ["Reshape"], convert: (c) => ({ outputs: c.onnx("Reshape", [c.input(0), c.int64(1)]) }) },
  {
    tfOps: ["Squeeze"],
    convert: (c) => {
      const axes = attrInts(c.attrs, "axis") ?? attrInts(c.attrs, "squeeze_dims") ?? [];
      return { outputs: c.onnx("Squeeze", axes.length ? [c.input(0), c.int64Const(axes, "axes")] : [c.input(0)]) };
    },
  },
  { tfOps: ["ExpandDims"], convert: (c) => ({ outputs: c.onnx("Unsqueeze", [c.input(0), c.int64(1)]) }) },
  {
    tfOps: ["Transpose"],
    convert: (c) => {
      const perm = c.ints(1);
      if (!perm) c.fail("the permutation must be a constant");
      return { outputs: c.onnx("Transpose", [c.input(0)], { perm: perm! }) };
    },
  },
  {
    tfOps: ["ConcatV2", "Concat"],
    convert: (c) => {
      const v2 = c.node.op === "ConcatV2";
      const axis = c.ints(v2 ? c.inputCount - 1 : 0)?.[0];
      if (axis === undefined) c.fail("the concat axis must be a constant");
      const inputs = Array.from({ length: c.inputCount - 1 }, (_, i) => c.input(v2 ? i : i + 1));
      return { outputs: c.onnx("Concat", inputs, { axis: axis! }), types: [c.type(v2 ? 0 : 1)] };
    },
  },
  { tfOps: ["Pack"], convert: pack },
  { tfOps: ["Unpack"], convert: unpack },
  {
    tfOps: ["GatherV2", "Gather"],
    convert: (c) => {
      if ((attrInt(c.attrs, "batch_dims") ?? 0) !== 0) c.fail("GatherV2 with batch_dims");
      const axis = c.node.op === "GatherV2" ? c.ints(2)?.[0] : 0;
      if (axis === undefined) c.fail("the gather axis must be a constant");
      return { outputs: c.onnx("Gather", [c.input(0), c.input(1)], { axis: axis! }) };
    },
  },
  { tfOps: ["Tile"], convert: (c) => ({ outputs: c.onnx("Tile", [c.input(0), c.int64(1)]) }) },
  { tfOps: ["BroadcastTo"], convert: (c) => ({ outputs: c.onnx("Expand", [c.input(0), c.int64(1)]) }) },
  { tfOps: ["Fill"], convert: (c) => ({ outputs: c.onnx("Expand", [c.input(1), c.int64(0)]), types: [c.type(1)] }) },
  { tfOps: ["ZerosLike"], convert: (c) => ({ outputs: c.onnx("Mul", [c.input(0), c.type(0) === "float32" ? c.floatConst([0], "zero", []) : c.onnx("Cast", [c.floatConst([0], "zero_f", [])], { to: c.type(0) === "bool" ? 9 : 6 }, "zero")[0]!]) }) },
  { tfOps: ["Range"], convert: (c) => ({ outputs: c.onnx("Range", [c.input(0), c.input(1), c.input(2)]) }) },
  { tfOps: ["StridedSlice"], convert: stridedSlice },
  {
    tfOps: ["Slice"],
    convert: (c) => {
      // TF Slice takes begin and size (−1: to the end).
      const [begin, size] = [c.ints(1), c.ints(2)];
      if (!begin || !size) c.fail("Slice begin and size must be constants");
      const ends = size!.map((s, i) => (s < 0 ? 2 ** 62 : begin![i]! + s));
      return { outputs: c.onnx("Slice", [c.input(0), c.int64Const(begin!, "starts"), c.int64Const(ends, "ends")]) };
    },
  },
  { tfOps: ["Split"], convert: (c) => split(c, false) },
  { tfOps: ["SplitV"], convert: (c) => split(c, true) },
  { tfOps: ["Pad", "PadV2"], convert: (c) => pad(c, "constant") },
  { tfOps: ["MirrorPad"], convert: (c) => pad(c, "reflect") },
];
