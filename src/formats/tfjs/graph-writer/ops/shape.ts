// Ops that move elements without arithmetic: Shape, Reshape, Flatten,
// Squeeze/Unsqueeze, Transpose, Concat, Split, Gather, Expand, Tile, Range,
// Pad, DepthToSpace. Shape-like inputs known at export become constants;
// the rest (a batch size read from Shape at run time) stay TF ops, so one
// exported model serves every batch size.
import { attrInt, attrInts, attrString } from "../../../../graph/attributes.js";
import { TF_ATTR } from "../../tf-attrs.js";
import { T, axisFor, concatVectors, dimOf, scalarLike, staticDims } from "./helpers.js";
import type { ExportContext, ExportOp } from "./types.js";

const int32 = { out_type: TF_ATTR.type("DT_INT32") };

function shape(c: ExportContext): string[] {
  const rank = c.rank(0);
  const clamp = (v: number) => Math.min(rank, Math.max(0, v < 0 ? v + rank : v));
  const start = clamp(attrInt(c.node, "start", 0));
  const end = c.node.attributes.end ? clamp(attrInt(c.node, "end")) : rank;
  if (start === 0 && end === rank) return [c.b.op("Shape", [c.input(0)], int32, c.node.name)];
  const full = c.b.op("Shape", [c.input(0)], int32, c.part("full"));
  return [c.b.op("StridedSlice", [full, c.b.ints(c.part("begin"), [start]), c.b.ints(c.part("end"), [Math.max(start, end)]), c.b.ints(c.part("strides"), [1])], {}, c.node.name)];
}

function reshape(c: ExportContext): string[] {
  const target = c.known(1);
  if (target === undefined) return [c.b.op("Reshape", [c.input(0), c.input(1)], T(c.type(0)), c.node.name)];
  const allowZero = attrInt(c.node, "allowzero", 0) === 1;
  const dims = c.shape(0);
  // 0 copies the input's dimension: from the static shape, or read at run time.
  if (allowZero || !target.includes(0) || target.every((v, i) => v !== 0 || typeof dims?.[i] === "number")) {
    const resolved = target.map((v, i) => (v === 0 && !allowZero ? (dims![i] as number) : v));
    return [c.b.op("Reshape", [c.input(0), c.b.ints(c.part("shape"), resolved)], T(c.type(0)), c.node.name)];
  }
  const pieces = target.map((v, i) => (v === 0 ? dimOf(c, c.input(0), i, `dim_${i}`) : c.b.ints(c.part(`size_${i}`), [v])));
  return [c.b.op("Reshape", [c.input(0), concatVectors(c, pieces, "shape")], T(c.type(0)), c.node.name)];
}

function flatten(c: ExportContext): string[] {
  const rank = c.rank(0);
  const axis = attrInt(c.node, "axis", 1) < 0 ? attrInt(c.node, "axis", 1) + rank : attrInt(c.node, "axis", 1);
  const dims = c.shape(0)!;
  const product = (ds: readonly unknown[]) => (ds.every((d) => typeof d === "number") ? (ds as number[]).reduce((a, b) => a * b, 1) : undefined);
  const inner = product(dims.slice(axis));
  const outer = product(dims.slice(0, axis));
  let target: number[];
  if (inner !== undefined) target = [axis === 0 ? 1 : -1, inner];
  else if (outer !== undefined) target = [outer, -1];
  else {
    const prod = c.b.op("Prod", [c.b.op("StridedSlice", [c.b.op("Shape", [c.input(0)], int32, c.part("shape")), c.b.ints(c.part("begin"), [0]), c.b.ints(c.part("end"), [axis]), c.b.ints(c.part("strides"), [1])], {}, c.part("outer_dims")), c.b.ints(c.part("axis"), [0])], { keep_dims: TF_ATTR.b(true), ...T("int32") }, c.part("outer"));
    return [c.b.op("Reshape", [c.input(0), concatVectors(c, [prod, c.b.ints(c.part("rest"), [-1])], "target")], T(c.type(0)), c.node.name)];
  }
  return [c.b.op("Reshape", [c.input(0), c.b.ints(c.part("target"), target)], T(c.type(0)), c.node.name)];
}

function axesFrom(c: ExportContext, inputSince: number, rank: number): number[] | undefined {
  const raw = c.opset >= inputSince ? (c.has(1) ? c.known(1) ?? c.fail("axes must be constants") : undefined) : c.node.attributes.axes ? [...attrInts(c.node, "axes")] : undefined;
  return raw?.map((a) => axisFor(c, a, rank));
}

function squeeze(c: ExportContext): string[] {
  const rank = c.rank(0);
  let axes = axesFrom(c, 13, rank);
  if (axes === undefined) {
    const dims = staticDims(c, 0, "Squeeze without axes");
    axes = dims.flatMap((d, i) => (d === 1 ? [i] : []));
  }
  return [c.b.op("Squeeze", [c.input(0)], { axis: TF_ATTR.ints(axes), ...T(c.type(0)) }, c.node.name)];
}

function unsqueeze(c: ExportContext): string[] {
  const raw = c.opset >= 13 ? c.known(1) ?? c.fail("axes must be constants") : [...attrInts(c.node, "axes")];
  const outRank = c.rank(0) + raw.length;
  const axes = raw.map((a) => axisFor(c, a, outRank)).sort((a, b) => a - b);
  if (axes.length === 1) return [c.b.op("ExpandDims", [c.input(0), c.b.int(c.part("axis"), axes[0]!)], {}, c.node.name)];
  // Ascending axes, one ExpandDims each: every axis is already its place in the output.
  let y = c.input(0);
  axes.forEach((a, k) => (y = c.b.op("ExpandDims", [y, c.b.int(c.part(`axis_${k}`), a)], {}, k === axes.length - 1 ? c.node.name : c.part(`expand_${k}`))));
  return [y];
}

function transposeOp(c: ExportContext): string[] {
  const rank = c.rank(0);
  const perm = c.node.attributes.perm ? [...attrInts(c.node, "perm")] : Array.from({ length: rank }, (_, i) => rank - 1 - i);
  return [c.b.op("Transpose", [c.input(0), c.b.ints(c.part("perm"), perm)], T(c.type(0)), c.node.name)];
}

function concat(c: ExportContext): string[] {
  const inputs = c.node.inputs.map((_, i) => c.input(i));
  if (inputs.length === 1) return [c.b.op("Identity", inputs, T(c.type(0)), c.node.name)];
  const axis = axisFor(c, attrInt(c.node, "axis"), c.rank(0));
  return [c.b.op("ConcatV2", [...inputs, c.b.int(c.part("axis"), axis)], { N: TF_ATTR.i(inputs.length), ...T(c.type(0)) }, c.node.name)];
}

function split(c: ExportContext): string[] {
  const rank = c.rank(0);
  const axis = axisFor(c, attrInt(c.node, "axis", 0), rank);
  const n = c.node.outputs.length;
  const sizes = c.opset >= 13 ? (c.has(1) ? c.known(1) ?? c.fail("split sizes must be constants") : undefined) : c.node.attributes.split ? [...attrInts(c.node, "split")] : undefined;
  const equal = sizes === undefined || sizes.every((s) => s === sizes[0]);
  const dim = c.shape(0)?.[axis];
  if (equal && (sizes !== undefined || typeof dim !== "number" || dim % n === 0)) {
    const node = c.b.op("Split", [c.b.int(c.part("axis"), axis), c.input(0)], { num_split: TF_ATTR.i(n), ...T(c.type(0)) }, c.node.name);
    return c.node.outputs.map((_, k) => (k === 0 ? node : `${node}:${k}`));
  }
  // ONNX 18 num_outputs with an uneven axis: the last part is smaller.
  const parts = sizes ?? Array.from({ length: n }, (_, k) => (k < n - 1 ? Math.ceil((dim as number) / n) : (dim as number) - Math.ceil((dim as number) / n) * (n - 1)));
  const node = c.b.op("SplitV", [c.input(0), c.b.ints(c.part("sizes"), parts), c.b.int(c.part("axis"), axis)], { num_split: TF_ATTR.i(n), ...T(c.type(0)) }, c.node.name);
  return c.node.outputs.map((_, k) => (k === 0 ? node : `${node}:${k}`));
}

function gather(c: ExportContext): string[] {
  const rank = c.rank(0);
  const axis = axisFor(c, attrInt(c.node, "axis", 0), rank);
  const dim = c.shape(0)?.[axis];
  const known = c.known(1);
  let indices: string;
  if (known !== undefined && (known.every((i) => i >= 0) || typeof dim === "number")) {
    const fixed = known.map((i) => (i < 0 ? i + (dim as number) : i));
    indices = c.b.ints(c.part("indices"), fixed, (c.shape(1) ?? [fixed.length]) as number[]);
  } else {
    // Negative indices count from the end in ONNX; TF.js's GatherV2 has no such rule.
    const size = typeof dim === "number" ? c.b.int(c.part("size"), dim) : dimOf(c, c.input(0), axis, "size");
    const negative = c.b.op("Cast", [c.b.op("Less", [c.input(1), c.b.int(c.part("zero"), 0)], T("int32"), c.part("negative"))], { SrcT: TF_ATTR.type("DT_BOOL"), DstT: TF_ATTR.type("DT_INT32") }, c.part("negative_int"));
    indices = c.b.op("AddV2", [c.input(1), c.b.op("Mul", [negative, size], T("int32"), c.part("offset"))], T("int32"), c.part("indices"));
  }
  return [c.b.op("GatherV2", [c.input(0), indices, c.b.int(c.part("axis"), axis)], { batch_dims: TF_ATTR.i(0), ...T(c.type(0)) }, c.node.name)];
}

/** Bidirectional broadcast (numpy's): x times ones of the target shape. */
function expand(c: ExportContext): string[] {
  const type = c.type(0);
  const ones = c.b.op("Fill", [c.input(1), scalarLike(c, type, 1, "one")], T(type), c.part("ones"));
  return [c.b.op(type === "bool" ? "LogicalAnd" : "Mul", [c.input(0), ones], T(type), c.node.name)];
}

function pad(c: ExportContext): string[] {
  const rank = c.rank(0);
  const mode = attrString(c.node, "mode", "constant");
  let pads = c.opset >= 11 ? c.known(1) : [...attrInts(c.node, "pads")];
  if (pads === undefined) c.fail("pads must be constants");
  if (c.opset >= 18 && c.has(3)) {
    const axes = (c.known(3) ?? c.fail("Pad axes must be constants")).map((a) => axisFor(c, a, rank));
    const full = new Array<number>(2 * rank).fill(0);
    axes.forEach((a, k) => {
      full[a] = pads![k]!;
      full[a + rank] = pads![k + axes.length]!;
    });
    pads = full;
  }
  if (pads!.some((p) => p < 0)) c.fail("negative pads (cropping) are not exported");
  const paddings = c.b.ints(c.part("paddings"), Array.from({ length: rank }, (_, i) => [pads![i]!, pads![i + rank]!]).flat(), [rank, 2]);
  if (mode === "reflect") return [c.b.op("MirrorPad", [c.input(0), paddings], { mode: TF_ATTR.s("REFLECT"), ...T(c.type(0)) }, c.node.name)];
  if (mode !== "constant") c.fail(`Pad mode "${mode}" has no TF.js op (constant and reflect do)`);
  const value = c.opset >= 11 ? (c.has(2) ? c.input(2) : scalarLike(c, c.type(0), 0, "value")) : scalarLike(c, c.type(0), c.node.attributes.value ? Number(c.node.attributes.value.value) : 0, "value");
  return [c.b.op("PadV2", [c.input(0), paddings, value], T(c.type(0)), c.node.name)];
}

/** DepthToSpace in ONNX layout: reshape, transpose, reshape (DCR and CRD orders). */
function depthToSpace(c: ExportContext): string[] {
  const dims = c.shape(0);
  if (!dims || dims.length !== 4 || !dims.slice(1).every((d) => typeof d === "number")) c.fail("DepthToSpace needs a 4-D input with known channels, height and width");
  const [, ch, h, w] = dims as number[];
  const bs = attrInt(c.node, "blocksize");
  const crd = attrString(c.node, "mode", "DCR") === "CRD";
  const oc = ch! / (bs * bs);
  const split = crd ? [-1, oc, bs, bs, h!, w!] : [-1, bs, bs, oc, h!, w!];
  const perm = crd ? [0, 1, 4, 2, 5, 3] : [0, 3, 4, 1, 5, 2];
  const six = c.b.op("Reshape", [c.input(0), c.b.ints(c.part("split"), split)], T("float32"), c.part("blocks"));
  const moved = c.b.op("Transpose", [six, c.b.ints(c.part("perm"), perm)], T("float32"), c.part("moved"));
  return [c.b.op("Reshape", [moved, c.b.ints(c.part("shape"), [-1, oc, h! * bs, w! * bs])], T("float32"), c.node.name)];
}

export const SHAPE_OPS: readonly ExportOp[] = [
  { opType: "Shape", since: 1, convert: shape },
  { opType: "Size", since: 1, convert: (c) => [c.b.op("Size", [c.input(0)], int32, c.node.name)] },
  { opType: "Reshape", since: 5, convert: reshape },
  { opType: "Flatten", since: 1, convert: flatten },
  { opType: "Squeeze", since: 1, convert: squeeze },
  { opType: "Unsqueeze", since: 1, convert: unsqueeze },
  { opType: "Transpose", since: 1, convert: transposeOp },
  { opType: "Concat", since: 4, convert: concat },
  { opType: "Split", since: 2, convert: split },
  { opType: "Gather", since: 1, convert: gather },
  { opType: "Expand", since: 8, convert: expand },
  { opType: "Tile", since: 6, convert: (c) => [c.b.op("Tile", [c.input(0), c.input(1)], T(c.type(0)), c.node.name)] },
  { opType: "Range", since: 11, convert: (c) => [c.b.op("Range", [c.input(0), c.input(1), c.input(2)], { Tidx: TF_ATTR.type(c.type(0) === "float32" ? "DT_FLOAT" : "DT_INT32") }, c.node.name)] },
  { opType: "Pad", since: 2, convert: pad },
  { opType: "DepthToSpace", since: 1, convert: depthToSpace },
];
