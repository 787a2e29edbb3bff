// GraphProto ↔ Graph: nodes (named uniquely, topologically ordered), value
// infos with symbolic dims, initializers, and subgraphs, recursively.
import { FormatError, GraphError } from "../../core/errors.js";
import { topologicalSort } from "../../graph/topo.js";
import type { Attribute, Dim, Graph, ModelMeta, Node, Tensor, ValueInfo } from "../../graph/types.js";
import { attributeFromProto, attributeToProto } from "./attribute.js";
import { has, int64ToNumber, numberToInt64, type GraphProto, type NodeProto, type ValueInfoProto } from "./proto.js";
import { ONNX_TYPE_OF, dtypeFromOnnx, tensorFromProto, tensorToProto } from "./tensor.js";

export interface GraphReadContext {
  readonly file?: string;
  readonly externalDataDir?: string;
  /** Model-level facts every subgraph shares (Graph carries them at each level). */
  readonly opsets: Readonly<Record<string, number>>;
  readonly meta: ModelMeta;
}

function fileName(ctx: GraphReadContext): string {
  return ctx.file ?? "ONNX bytes";
}

function valueInfoFromProto(v: ValueInfoProto, where: string, ctx: GraphReadContext, required: boolean): ValueInfo | undefined {
  const name = v.name ?? "";
  // protobufjs leaves unset message fields null, so test with == null.
  const tensorType = v.type?.tensor_type ?? undefined;
  const elemType = tensorType?.elem_type ?? 0;
  if (tensorType === undefined || elemType === 0) {
    if (!required) return undefined; // intermediate value_info is only a hint; an untyped one says nothing
    const kind =
      v.type == null ? "no type" : tensorType === undefined ? "a sequence, map, optional or sparse type, which compactor does not support" : "no element type";
    throw new FormatError(
      `${fileName(ctx)}: ${where} "${name}" has ${kind}; compactor needs a tensor element type for graph inputs and outputs. ` +
        `Re-export the model with typed inputs and outputs.`,
      { file: ctx.file },
    );
  }
  const dtype = dtypeFromOnnx(elemType, { file: ctx.file, where: `${where} "${name}"` });
  const shape = tensorType.shape?.dim.map((d): Dim => {
    if (has(d, "dim_value")) return int64ToNumber(d.dim_value!);
    if (has(d, "dim_param") && d.dim_param !== "") return d.dim_param!;
    return null;
  });
  const info: ValueInfo = { name, dtype, ...(shape ? { shape: Object.freeze(shape) } : {}), ...(v.doc_string ? { docString: v.doc_string } : {}) };
  return Object.freeze(info);
}

/** Unnamed nodes get `${opType}_${index}`; clashing names get a numeric suffix, so names are unique. */
function uniqueNodeNames(protos: readonly NodeProto[]): string[] {
  const taken = new Set(protos.map((n) => n.name ?? "").filter((n) => n !== ""));
  const used = new Set<string>();
  return protos.map((n, index) => {
    const wanted = n.name ? n.name : `${n.op_type ?? "Node"}_${index}`;
    let name = wanted;
    for (let k = 1; used.has(name) || (name !== n.name && taken.has(name)); k++) name = `${wanted}_${k}`;
    used.add(name);
    return name;
  });
}

export function graphFromProto(g: GraphProto, ctx: GraphReadContext, where = "graph"): Graph {
  const file = fileName(ctx);
  if (g.sparse_initializer.length > 0) {
    throw new FormatError(`${file}: ${where} has ${g.sparse_initializer.length} sparse initializer(s), which compactor does not support; densify them before loading`, { file: ctx.file });
  }
  const initializers = new Map<string, Tensor>();
  for (const t of g.initializer) {
    const name = t.name ?? "";
    initializers.set(name, tensorFromProto(t, { file: ctx.file, externalDataDir: ctx.externalDataDir, where: `${where}, initializer "${name}"` }));
  }
  const names = uniqueNodeNames(g.node);
  const nodes = g.node.map((n, i): Node => {
    const nodeWhere = `${where}, node "${names[i]}" (${n.op_type ?? "no op_type"})`;
    if (!n.op_type) throw new FormatError(`${file}: ${nodeWhere} has no op_type`, { file: ctx.file, node: names[i] });
    const attributes: Record<string, Attribute> = {};
    for (const a of n.attribute) {
      attributes[a.name ?? ""] = attributeFromProto(a, {
        file: ctx.file,
        externalDataDir: ctx.externalDataDir,
        where: nodeWhere,
        readGraph: (sub, subWhere) => graphFromProto(sub, ctx, subWhere),
      });
    }
    const node: Node = {
      name: names[i],
      opType: n.op_type,
      domain: n.domain ?? "",
      inputs: Object.freeze([...n.input]),
      outputs: Object.freeze([...n.output]),
      attributes: Object.freeze(attributes),
      ...(n.doc_string ? { docString: n.doc_string } : {}),
    };
    return Object.freeze(node);
  });
  // Older exporters (IR < 4) list every initializer as a graph input too; those are weights, not inputs.
  const inputs = g.input
    .filter((v) => !initializers.has(v.name ?? ""))
    .map((v) => valueInfoFromProto(v, `${where} input`, ctx, true)!);
  const outputs = g.output.map((v) => valueInfoFromProto(v, `${where} output`, ctx, true)!);
  const valueInfo = new Map<string, ValueInfo>();
  for (const v of g.value_info) {
    const info = valueInfoFromProto(v, `${where} value_info`, ctx, false);
    if (info) valueInfo.set(info.name, info);
  }
  const graph: Graph = {
    name: g.name ?? "",
    nodes,
    inputs: Object.freeze(inputs),
    outputs: Object.freeze(outputs),
    initializers,
    valueInfo,
    opsets: ctx.opsets,
    meta: ctx.meta,
    ...(g.doc_string ? { docString: g.doc_string } : {}),
  };
  try {
    return topologicalSort(graph);
  } catch (e) {
    if (e instanceof GraphError) throw new FormatError(`${file}: ${where}: ${e.message}`, { ...e.context, file: ctx.file }, { cause: e });
    throw e;
  }
}

function valueInfoToProto(v: ValueInfo): Record<string, unknown> {
  const tensorType: Record<string, unknown> = { elem_type: ONNX_TYPE_OF[v.dtype] };
  if (v.shape !== undefined) {
    tensorType.shape = {
      dim: v.shape.map((d) => (typeof d === "number" ? { dim_value: numberToInt64(d) } : typeof d === "string" ? { dim_param: d } : {})),
    };
  }
  return { name: v.name, type: { tensor_type: tensorType }, ...(v.docString ? { doc_string: v.docString } : {}) };
}

/**
 * A plain object protobufjs encodes as a GraphProto. With `initializersAsInputs`
 * (IR version < 4, where ONNX required it) initializers are listed as inputs too.
 */
export function graphToProto(graph: Graph, initializersAsInputs = false): Record<string, unknown> {
  const writeSubgraph = (g: Graph): Record<string, unknown> => graphToProto(g, initializersAsInputs);
  const node = graph.nodes.map((n) => ({
    name: n.name,
    op_type: n.opType,
    domain: n.domain,
    input: [...n.inputs],
    output: [...n.outputs],
    attribute: Object.entries(n.attributes).map(([name, a]) => attributeToProto(name, a, writeSubgraph)),
    ...(n.docString ? { doc_string: n.docString } : {}),
  }));
  const input = graph.inputs.map(valueInfoToProto);
  if (initializersAsInputs) {
    for (const [name, t] of graph.initializers) input.push(valueInfoToProto({ name, dtype: t.dtype, shape: t.dims }));
  }
  return {
    name: graph.name,
    node,
    initializer: [...graph.initializers].map(([name, t]) => tensorToProto(name, t)),
    input,
    output: graph.outputs.map(valueInfoToProto),
    value_info: [...graph.valueInfo.values()].map(valueInfoToProto),
    ...(graph.docString ? { doc_string: graph.docString } : {}),
  };
}
