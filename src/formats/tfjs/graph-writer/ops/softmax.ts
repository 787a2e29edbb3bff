// Softmax and LogSoftmax. TF's act on the last axis: another axis is moved
// there and back (opset ≥ 13), or, before opset 13, the input is viewed as 2-D
// [∏dims<axis, ∏dims≥axis] as those opsets define it.
import { attrInt } from "../../../../graph/attributes.js";
import { T, axisFor } from "./helpers.js";
import { transpose } from "./layout.js";
import type { ExportContext, ExportOp } from "./types.js";

function softmax(tfOp: "Softmax" | "LogSoftmax", legacy: boolean): (c: ExportContext) => string[] {
  return (c) => {
    const rank = c.rank(0);
    const axis = axisFor(c, attrInt(c.node, "axis", legacy ? 1 : -1), rank);
    if (axis === rank - 1) return [c.b.op(tfOp, [c.input(0)], T("float32"), c.node.name)];
    if (legacy) {
      const dims = c.shape(0)!.slice(axis);
      if (!dims.every((d) => typeof d === "number")) c.fail("the dims from the softmax axis on must be known");
      const flat = c.b.op("Reshape", [c.input(0), c.b.ints(c.part("flat_shape"), [-1, (dims as number[]).reduce((a, b) => a * b, 1)])], T("float32"), c.part("flat"));
      const y = c.b.op(tfOp, [flat], T("float32"), c.part("softmax"));
      return [c.b.op("Reshape", [y, c.b.op("Shape", [c.input(0)], {}, c.part("shape"))], T("float32"), c.node.name)];
    }
    const perm = Array.from({ length: rank }, (_, i) => i);
    perm[axis] = rank - 1;
    perm[rank - 1] = axis;
    const moved = transpose(c, c.input(0), perm, "to_last");
    return [transpose(c, c.b.op(tfOp, [moved], T("float32"), c.part("softmax")), perm, "back")];
  };
}

export const SOFTMAX_OPS: readonly ExportOp[] = [
  { opType: "Softmax", since: 1, convert: softmax("Softmax", true) },
  { opType: "Softmax", since: 13, convert: softmax("Softmax", false) },
  { opType: "LogSoftmax", since: 1, convert: softmax("LogSoftmax", true) },
  { opType: "LogSoftmax", since: 13, convert: softmax("LogSoftmax", false) },
];
