// Reductions with constant axes; ArgMax/ArgMin (int64 in ONNX, int32 in TF).
import { attrBool } from "../../tf-attrs.js";
import type { ImportContext, ImportOp } from "./types.js";

function reduce(tfOp: string, onnxOp: string): ImportOp {
  return {
    tfOps: [tfOp],
    convert: (c: ImportContext) => {
      const axes = c.ints(1);
      if (axes === undefined) c.fail("reduction axes must be a constant");
      const keepdims = attrBool(c.attrs, "keep_dims") ?? attrBool(c.attrs, "keepDims") ?? false ? 1 : 0;
      const x = tfOp === "All" || tfOp === "Any" ? c.onnx("Cast", [c.input(0)], { to: 6 }, "as_int")[0]! : c.input(0);
      // ReduceSum takes axes as an input from opset 13; the others as an attribute until 18.
      let y = onnxOp === "ReduceSum" ? c.onnx(onnxOp, [x, c.int64Const(axes!, "axes")], { keepdims }, tfOp === "All" || tfOp === "Any" ? "reduce" : undefined)[0]! : c.onnx(onnxOp, [x], { axes: axes!, keepdims }, tfOp === "All" || tfOp === "Any" ? "reduce" : undefined)[0]!;
      if (tfOp === "All" || tfOp === "Any") y = c.onnx("Cast", [y], { to: 9 })[0]!;
      return { outputs: [y] };
    },
  };
}

function arg(tfOp: "ArgMax" | "ArgMin"): ImportOp {
  return {
    tfOps: [tfOp],
    convert: (c) => {
      const axis = c.ints(1)?.[0];
      if (axis === undefined) c.fail("the axis must be a constant");
      const y = c.onnx(tfOp, [c.input(0)], { axis: axis!, keepdims: 0 }, "arg")[0]!;
      return { outputs: c.onnx("Cast", [y], { to: 6 }), types: ["int32"] };
    },
  };
}

export const REDUCE_OPS: readonly ImportOp[] = [
  reduce("Mean", "ReduceMean"),
  reduce("Sum", "ReduceSum"),
  reduce("Max", "ReduceMax"),
  reduce("Min", "ReduceMin"),
  reduce("Prod", "ReduceProd"),
  reduce("All", "ReduceMin"),
  reduce("Any", "ReduceMax"),
  arg("ArgMax"),
  arg("ArgMin"),
];
