// Ops with a direct TF counterpart and a few attributes to carry: Einsum,
// CumSum, TopK, OneHot.
import { attrInt, attrString } from "../../../../graph/attributes.js";
import { TF_ATTR } from "../../tf-attrs.js";
import { T, axisFor } from "./helpers.js";
import type { ExportContext, ExportOp } from "./types.js";

function einsum(c: ExportContext): string[] {
  const inputs = c.node.inputs.map((_, i) => c.input(i));
  return [c.b.op("Einsum", inputs, { equation: TF_ATTR.s(attrString(c.node, "equation").replace(/\s/g, "")), N: TF_ATTR.i(inputs.length), ...T("float32") }, c.node.name)];
}

function cumsum(c: ExportContext): string[] {
  const attrs = { exclusive: TF_ATTR.b(attrInt(c.node, "exclusive", 0) === 1), reverse: TF_ATTR.b(attrInt(c.node, "reverse", 0) === 1), ...T(c.type(0)) };
  return [c.b.op("Cumsum", [c.input(0), c.input(1)], attrs, c.node.name)];
}

function topk(c: ExportContext): string[] {
  const rank = c.rank(0);
  if (axisFor(c, attrInt(c.node, "axis", -1), rank) !== rank - 1) c.fail("TopK along an axis other than the last has no TF.js op");
  if (attrInt(c.node, "largest", 1) !== 1) c.fail("TopK with largest = 0 has no TF.js op");
  const node = c.b.op("TopKV2", [c.input(0), c.input(1)], { sorted: TF_ATTR.b(true), ...T(c.type(0)) }, c.node.name);
  return [node, `${node}:1`];
}

function oneHot(c: ExportContext): string[] {
  const rank = c.rank(0);
  if (axisFor(c, attrInt(c.node, "axis", -1), rank + 1) !== rank) c.fail("OneHot along an axis other than the last has no TF.js op");
  const values = c.known(2);
  if (!values) c.fail("OneHot's values must be constants");
  const scalar = (v: number, name: string) => (c.outputType(0) === "float32" ? c.b.float(c.part(name), v) : c.b.int(c.part(name), v));
  const depth = c.b.op("Cast", [c.b.op("Reshape", [c.input(1), c.b.ints(c.part("scalar"), [])], {}, c.part("depth_scalar"))], { DstT: TF_ATTR.type("DT_INT32") }, c.part("depth"));
  return [c.b.op("OneHot", [c.input(0), depth, scalar(values![1]!, "on"), scalar(values![0]!, "off")], { axis: TF_ATTR.i(-1), T: TF_ATTR.type(c.outputType(0) === "float32" ? "DT_FLOAT" : "DT_INT32") }, c.node.name)];
}

export const MISC_OPS: readonly ExportOp[] = [
  { opType: "Einsum", since: 12, convert: einsum },
  { opType: "CumSum", since: 11, convert: cumsum },
  { opType: "TopK", since: 10, convert: topk },
  { opType: "OneHot", since: 9, convert: oneHot },
];
