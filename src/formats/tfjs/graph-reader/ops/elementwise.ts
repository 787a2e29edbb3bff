// Binary and logical ops: numpy broadcasting, which ONNX shares.
import type { ImportContext, ImportOp, TfType } from "./types.js";

function binary(tfOps: string[], onnxOp: string, type?: TfType): ImportOp {
  return { tfOps, convert: (c) => ({ outputs: c.onnx(onnxOp, [c.input(0), c.input(1)]), ...(type ? { types: [type] } : {}) }) };
}

/** TF's integer Div and FloorDiv floor; ONNX's integer Div truncates. */
function floorDivide(c: ImportContext): string[] {
  if (c.type(0) === "float32") return c.onnx("Floor", [c.onnx("Div", [c.input(0), c.input(1)], {}, "div")[0]!]);
  const asFloat = (i: number) => c.onnx("Cast", [c.input(i)], { to: 1 }, `f${i}`)[0]!;
  const floored = c.onnx("Floor", [c.onnx("Div", [asFloat(0), asFloat(1)], {}, "div")[0]!], {}, "floor")[0]!;
  return c.onnx("Cast", [floored], { to: 6 });
}

export const ELEMENTWISE_OPS: readonly ImportOp[] = [
  binary(["Add", "AddV2"], "Add"),
  binary(["Sub"], "Sub"),
  binary(["Mul"], "Mul"),
  binary(["RealDiv"], "Div"),
  { tfOps: ["Div"], convert: (c) => ({ outputs: c.type(0) === "float32" ? c.onnx("Div", [c.input(0), c.input(1)]) : floorDivide(c) }) },
  { tfOps: ["FloorDiv"], convert: (c) => ({ outputs: floorDivide(c) }) },
  binary(["Maximum"], "Max"),
  binary(["Minimum"], "Min"),
  binary(["Pow"], "Pow"),
  {
    // TF's floor modulo takes the divisor's sign: ONNX Mod (fmod 0) for integers; x − ⌊x/y⌋·y for floats.
    tfOps: ["FloorMod", "Mod"],
    convert: (c) => {
      if (c.type(0) !== "float32") return { outputs: c.onnx("Mod", [c.input(0), c.input(1)], { fmod: 0 }) };
      const floored = c.onnx("Floor", [c.onnx("Div", [c.input(0), c.input(1)], {}, "div")[0]!], {}, "floor")[0]!;
      return { outputs: c.onnx("Sub", [c.input(0), c.onnx("Mul", [floored, c.input(1)], {}, "multiple")[0]!]) };
    },
  },
  {
    tfOps: ["SquaredDifference"],
    convert: (c) => {
      const d = c.onnx("Sub", [c.input(0), c.input(1)], {}, "diff")[0]!;
      return { outputs: c.onnx("Mul", [d, d]) };
    },
  },
  { tfOps: ["AddN"], convert: (c) => ({ outputs: c.onnx("Sum", Array.from({ length: c.inputCount }, (_, i) => c.input(i))) }) },
  binary(["Equal"], "Equal", "bool"),
  { tfOps: ["NotEqual"], convert: (c) => ({ outputs: c.onnx("Not", [c.onnx("Equal", [c.input(0), c.input(1)], {}, "eq")[0]!]), types: ["bool"] }) },
  binary(["Less"], "Less", "bool"),
  binary(["LessEqual"], "LessOrEqual", "bool"),
  binary(["Greater"], "Greater", "bool"),
  binary(["GreaterEqual"], "GreaterOrEqual", "bool"),
  binary(["LogicalAnd"], "And", "bool"),
  binary(["LogicalOr"], "Or", "bool"),
  { tfOps: ["LogicalNot"], convert: (c) => ({ outputs: c.onnx("Not", [c.input(0)]), types: ["bool"] }) },
  { tfOps: ["Select", "SelectV2"], convert: (c) => ({ outputs: c.onnx("Where", [c.input(0), c.input(1), c.input(2)]), types: [c.type(1)] }) },
  { tfOps: ["ClipByValue"], convert: (c) => ({ outputs: c.onnx("Clip", [c.input(0), c.input(1), c.input(2)]) }) },
  {
    // TF's bias add on the channel axis: the last in NHWC, axis 1 in NCHW.
    tfOps: ["BiasAdd"],
    convert: (c) => {
      const format = c.attrs.data_format?.s ? Buffer.from(c.attrs.data_format.s, "base64").toString() : "NHWC";
      if (format === "NHWC") return { outputs: c.onnx("Add", [c.input(0), c.input(1)]) };
      const bias = c.onnx("Unsqueeze", [c.input(1), c.int64Const([1, 2], "axes")], {}, "bias")[0]!;
      return { outputs: c.onnx("Add", [c.input(0), bias]) };
    },
  },
];
