// Elementwise ops with numpy broadcasting, which TF shares: arithmetic,
// comparisons, logic, Where. Variadic ONNX ops (Max, Min, Sum, Mean) chain
// the binary TF op.
import { attrInt } from "../../../../graph/attributes.js";
import { T } from "./helpers.js";
import type { ExportContext, ExportOp } from "./types.js";

function binary(opType: string, tfOp: string | ((c: ExportContext) => string)): ExportOp {
  return {
    opType,
    since: 1,
    convert: (c) => [c.b.op(typeof tfOp === "string" ? tfOp : tfOp(c), [c.input(0), c.input(1)], T(c.type(0)), c.node.name)],
  };
}

function variadic(opType: string, tfOp: string, mean = false): ExportOp {
  return {
    opType,
    since: 1,
    convert: (c) => {
      const n = c.node.inputs.length;
      let acc = c.input(0);
      for (let i = 1; i < n; i++) acc = c.b.op(tfOp, [acc, c.input(i)], T(c.type(0)), i === n - 1 && !mean ? c.node.name : c.part(`${tfOp}_${i}`));
      if (mean) acc = c.b.op("RealDiv", [acc, c.b.float(c.part("count"), n)], T("float32"), c.node.name);
      return [acc];
    },
  };
}

/** ONNX Pow allows an exponent of another type; TF's needs the base's. */
const POW: ExportOp = {
  opType: "Pow",
  since: 1,
  convert: (c) => {
    const exponent = c.type(1) === c.type(0) ? c.input(1) : c.b.op("Cast", [c.input(1)], { DstT: { type: c.type(0) === "float32" ? "DT_FLOAT" : "DT_INT32" } }, c.part("exponent"));
    return [c.b.op("Pow", [c.input(0), exponent], T(c.type(0)), c.node.name)];
  },
};

const MOD: ExportOp = {
  opType: "Mod",
  since: 10,
  convert: (c) => {
    // fmod = 1 takes the sign of the dividend (C fmod); TF.js only has floor modulo.
    if (attrInt(c.node, "fmod", 0) === 1 && c.type(0) === "float32") c.fail("fmod = 1 (truncated modulo) has no TF.js op");
    return [c.b.op("FloorMod", [c.input(0), c.input(1)], T(c.type(0)), c.node.name)];
  },
};

export const ELEMENTWISE_OPS: readonly ExportOp[] = [
  binary("Add", "AddV2"),
  binary("Sub", "Sub"),
  binary("Mul", "Mul"),
  // Integer Div truncates in ONNX and floors in TF: the same for the non-negative sizes shape arithmetic divides.
  binary("Div", (c) => (c.type(0) === "float32" ? "RealDiv" : "FloorDiv")),
  POW,
  MOD,
  binary("Equal", "Equal"),
  binary("Less", "Less"),
  binary("LessOrEqual", "LessEqual"),
  binary("Greater", "Greater"),
  binary("GreaterOrEqual", "GreaterEqual"),
  binary("And", "LogicalAnd"),
  binary("Or", "LogicalOr"),
  binary("Xor", "NotEqual"),
  variadic("Max", "Maximum"),
  variadic("Min", "Minimum"),
  variadic("Sum", "AddV2"),
  variadic("Mean", "AddV2", true),
  { opType: "Not", since: 1, convert: (c) => [c.b.op("LogicalNot", [c.input(0)], {}, c.node.name)] },
  { opType: "Where", since: 9, convert: (c) => [c.b.op("SelectV2", [c.input(0), c.input(1), c.input(2)], T(c.type(1)), c.node.name)] },
];
