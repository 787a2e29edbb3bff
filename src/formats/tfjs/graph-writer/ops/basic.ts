// Values that pass through or change type: Identity, Dropout (inference),
// Cast, ConstantOfShape.
import { attrTensor } from "../../../../graph/attributes.js";
import { TF_ATTR } from "../../tf-attrs.js";
import { TF_DTYPE, type TfType } from "../builder.js";
import { T } from "./helpers.js";
import type { ExportContext, ExportOp } from "./types.js";

function identity(c: ExportContext): string[] {
  if (c.node.outputs.length > 1 && c.node.outputs[1] !== "") c.fail("Dropout's mask output is used; an inference export has no mask");
  return [c.b.op("Identity", [c.input(0)], T(c.type(0)), c.node.name)];
}

function cast(c: ExportContext): string[] {
  const from = c.type(0);
  const to = c.outputType(0);
  if (from === to) return [c.b.op("Identity", [c.input(0)], T(from), c.node.name)];
  return [c.b.op("Cast", [c.input(0)], { SrcT: TF_ATTR.type(TF_DTYPE[from]), DstT: TF_ATTR.type(TF_DTYPE[to]) }, c.node.name)];
}

function constantOfShape(c: ExportContext): string[] {
  const value = attrTensor(c.node, "value");
  const type: TfType = c.outputType(0);
  const v = value ? Number((value.data as ArrayLike<number | bigint>)[0] ?? 0) : 0;
  const scalar = type === "float32" ? c.b.float(c.part("value"), v) : type === "int32" ? c.b.int(c.part("value"), v) : c.b.constant(c.part("value"), "bool", [], Uint8Array.from([v ? 1 : 0]));
  return [c.b.op("Fill", [c.input(0), scalar], T(type), c.node.name)];
}

export const BASIC_OPS: readonly ExportOp[] = [
  { opType: "Identity", since: 1, convert: identity },
  { opType: "Dropout", since: 1, convert: identity },
  { opType: "Cast", since: 6, convert: cast },
  { opType: "CastLike", since: 15, convert: cast },
  { opType: "ConstantOfShape", since: 9, convert: constantOfShape },
];
