// AttributeProto ↔ Attribute. Subgraph attributes (If/Loop/Scan bodies) are
// converted by callbacks from onnx-graph.ts, which owns graph conversion.
import { FormatError } from "../../core/errors.js";
import type { Attribute, Graph, Tensor } from "../../graph/types.js";
import {
  ONNX_ATTRIBUTE_TYPE as A,
  bytesToString,
  has,
  int64ToNumber,
  numberToInt64,
  stringToBytes,
  type AttributeProto,
  type GraphProto,
  type TensorProto,
} from "./proto.js";
import { tensorFromProto, tensorToProto, type TensorReadContext } from "./tensor.js";

export interface AttributeReadContext {
  readonly file?: string;
  readonly externalDataDir?: string;
  /** `node "Conv_3"`, for messages. */
  readonly where: string;
  readonly readGraph: (g: GraphProto, where: string) => Graph;
}

const TYPE_NAMES = new Map<number, string>(Object.entries(A).map(([name, n]) => [n, name]));

/**
 * Old exporters leave `type` unset; ONNX then means "whichever value field is
 * set", so infer it the same way onnx.helper.get_attribute_value does.
 */
function inferType(a: AttributeProto): number {
  if (has(a, "f")) return A.FLOAT;
  if (has(a, "i")) return A.INT;
  if (has(a, "s")) return A.STRING;
  if (has(a, "t")) return A.TENSOR;
  if (has(a, "g")) return A.GRAPH;
  if (a.floats.length) return A.FLOATS;
  if (a.ints.length) return A.INTS;
  if (a.strings.length) return A.STRINGS;
  if (a.tensors.length) return A.TENSORS;
  if (a.graphs.length) return A.GRAPHS;
  return A.UNDEFINED;
}

export function attributeFromProto(a: AttributeProto, ctx: AttributeReadContext): Attribute {
  const name = a.name ?? "";
  const where = `${ctx.where}, attribute "${name}"`;
  const fail = (message: string): never => {
    throw new FormatError(`${ctx.file ?? "ONNX bytes"}: ${where}: ${message}`, { file: ctx.file, node: ctx.where });
  };
  if (has(a, "ref_attr_name")) fail("refers to a function attribute (ref_attr_name), which only exists inside model-local functions; not supported");
  const tctx: TensorReadContext = { file: ctx.file, externalDataDir: ctx.externalDataDir, where };
  const tensor = (t: TensorProto): Tensor => tensorFromProto(t, tctx);
  const type = has(a, "type") && a.type !== A.UNDEFINED ? a.type! : inferType(a);
  switch (type) {
    case A.FLOAT: return { type: "float", value: a.f ?? 0 };
    case A.INT: return { type: "int", value: int64ToNumber(a.i ?? 0) };
    case A.STRING: return { type: "string", value: bytesToString(a.s ?? new Uint8Array()) };
    case A.TENSOR: return a.t ? { type: "tensor", value: tensor(a.t) } : fail("has type TENSOR but no tensor");
    case A.GRAPH: return a.g ? { type: "graph", value: ctx.readGraph(a.g, where) } : fail("has type GRAPH but no graph");
    case A.FLOATS: return { type: "floats", value: Object.freeze([...a.floats]) };
    case A.INTS: return { type: "ints", value: Object.freeze(a.ints.map(int64ToNumber)) };
    case A.STRINGS: return { type: "strings", value: Object.freeze(a.strings.map(bytesToString)) };
    case A.TENSORS: return { type: "tensors", value: Object.freeze(a.tensors.map(tensor)) };
    case A.GRAPHS: return { type: "graphs", value: Object.freeze(a.graphs.map((g, i) => ctx.readGraph(g, `${where}[${i}]`))) };
    case A.UNDEFINED: return fail("has no type and no value");
    default:
      return fail(
        `has type ${TYPE_NAMES.get(type) ?? type}, which compactor does not support ` +
          `(supported: float, int, string, tensor, graph and their lists)`,
      );
  }
}

/** A plain object protobufjs encodes as an AttributeProto. */
export function attributeToProto(
  name: string,
  attr: Attribute,
  writeGraph: (g: Graph) => Record<string, unknown>,
): Record<string, unknown> {
  switch (attr.type) {
    case "float": return { name, type: A.FLOAT, f: attr.value };
    case "int": return { name, type: A.INT, i: numberToInt64(attr.value) };
    case "string": return { name, type: A.STRING, s: stringToBytes(attr.value) };
    case "tensor": return { name, type: A.TENSOR, t: tensorToProto("", attr.value) };
    case "graph": return { name, type: A.GRAPH, g: writeGraph(attr.value) };
    case "floats": return { name, type: A.FLOATS, floats: [...attr.value] };
    case "ints": return { name, type: A.INTS, ints: attr.value.map(numberToInt64) };
    case "strings": return { name, type: A.STRINGS, strings: attr.value.map(stringToBytes) };
    case "tensors": return { name, type: A.TENSORS, tensors: attr.value.map((t) => tensorToProto("", t)) };
    case "graphs": return { name, type: A.GRAPHS, graphs: attr.value.map(writeGraph) };
  }
}
