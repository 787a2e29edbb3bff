// ONNX models and tensors in and out, through protobufjs and the official
// ONNX schema (onnx-schema.ts). Everything a file declares is checked before
// it is trusted: sizes before allocation, external paths before opening.
import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { FormatError } from "../../core/errors.js";
import type { Graph, ModelMeta, Tensor } from "../../graph/types.js";
import { writeFileAtomic } from "../../core/atomic-write.js";
import { graphFromProto, graphToProto } from "./graph.js";
import {
  has,
  int64ToNumber,
  numberToInt64,
  onnxTypes,
  type GraphProto,
  type ModelProto,
  type TensorProto,
} from "./proto.js";
import { tensorFromProto, tensorToProto } from "./tensor.js";

/** protobuf's own limit on one message; bigger models need external data, which we do not write. */
const MAX_MODEL_BYTES = 2 ** 31 - 1;

/** The IR version that stopped requiring initializers to be listed as graph inputs. */
const IR_VERSION_INITIALIZERS_NOT_INPUTS = 4;

function label(file: string | undefined): string {
  return file ?? "ONNX bytes";
}

/** protobufjs throws plain Errors on truncated or garbage bytes; name the file instead. */
function decodeProto<T>(kind: "model" | "tensor", bytes: Uint8Array, file: string | undefined): T {
  if (!(bytes instanceof Uint8Array)) {
    throw new FormatError(`${label(file)}: expected bytes (Uint8Array), got ${typeof bytes}`, { file });
  }
  try {
    return onnxTypes()[kind].decode(bytes) as unknown as T;
  } catch (e) {
    const what = kind === "model" ? "an ONNX model (ModelProto)" : "an ONNX tensor (TensorProto)";
    throw new FormatError(
      `${label(file)}: not ${what}: the protobuf bytes are truncated or malformed (${(e as Error).message}). ` +
        `Check the file was copied completely and is really ONNX.`,
      { file },
      { cause: e },
    );
  }
}

/** Nodes calling a model-local function, anywhere in the graph and its subgraphs. */
function functionCalls(g: GraphProto, functions: ReadonlySet<string>, found: string[]): string[] {
  for (const n of g.node) {
    if (functions.has(`${n.domain ?? ""}:${n.op_type ?? ""}`)) found.push(`"${n.name ?? ""}" (${n.domain}.${n.op_type})`);
    for (const a of n.attribute) {
      if (a.g) functionCalls(a.g, functions, found);
      for (const sub of a.graphs) functionCalls(sub, functions, found);
    }
  }
  return found;
}

function metaFromProto(m: ModelProto): ModelMeta {
  const metadataProps: Record<string, string> = {};
  for (const p of m.metadata_props) metadataProps[p.key ?? ""] = p.value ?? "";
  return Object.freeze({
    irVersion: int64ToNumber(m.ir_version ?? 0),
    producerName: m.producer_name ?? "",
    producerVersion: m.producer_version ?? "",
    domain: m.domain ?? "",
    modelVersion: int64ToNumber(m.model_version ?? 0),
    docString: m.doc_string ?? "",
    metadataProps: Object.freeze(metadataProps),
  });
}

/**
 * Decodes an ONNX model. External tensor data is read from files inside
 * `externalDataDir` only; without it, a model with external data is refused.
 *
 * Not kept, because nothing they hold changes what the model computes:
 * training_info (training algorithms), uncalled local functions, graph
 * quantization_annotation and node/graph metadata_props (IR 10 hints). Things
 * that would change it (called local functions, sparse initializers,
 * sequence/optional values, unsupported dtypes) are FormatErrors.
 */
export function decodeModel(bytes: Uint8Array, options: { file?: string; externalDataDir?: string } = {}): Graph {
  const { file, externalDataDir } = options;
  const model = decodeProto<ModelProto>("model", bytes, file);
  if (!has(model, "graph")) {
    throw new FormatError(
      `${label(file)}: not an ONNX model: it has no graph` +
        (bytes.length === 0 ? " (the file is empty)" : " (is it another kind of protobuf, e.g. a TensorProto .pb?)"),
      { file },
    );
  }
  if (!has(model, "ir_version")) {
    throw new FormatError(`${label(file)}: not an ONNX model: it has no ir_version`, { file });
  }
  if (model.functions.length > 0) {
    const names = new Set(model.functions.map((f) => `${f.domain ?? ""}:${f.name ?? ""}`));
    const calls = functionCalls(model.graph!, names, []);
    if (calls.length > 0) {
      throw new FormatError(
        `${label(file)}: nodes ${calls.join(", ")} call model-local functions, which compactor does not inline; ` +
          `export the model without local functions (e.g. torch.onnx.export with dynamo=False) or inline them with onnx.inliner`,
        { file },
      );
    }
    // Functions nobody calls change nothing the model computes; they are not kept.
  }
  const opsets: Record<string, number> = {};
  for (const o of model.opset_import) opsets[o.domain ?? ""] = int64ToNumber(o.version ?? 0);
  const meta = metaFromProto(model);
  return graphFromProto(model.graph!, { file, externalDataDir, opsets: Object.freeze(opsets), meta });
}

/** Reads an ONNX file; external data is resolved relative to the model's folder. */
export async function readOnnx(path: string): Promise<Graph> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new FormatError(`${path}: cannot read the model file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: path }, { cause: e });
  }
  return decodeModel(bytes, { file: path, externalDataDir: dirname(path) });
}

function tensorBytes(t: Tensor): number {
  return t.dtype === "string" ? 0 : (t.data as ArrayBufferView).byteLength;
}

/** Encodes a Graph as an ONNX model, every tensor inline. */
export function encodeModel(graph: Graph): Uint8Array {
  let total = 0;
  for (const t of graph.initializers.values()) total += tensorBytes(t);
  if (total > MAX_MODEL_BYTES) {
    throw new FormatError(
      `graph "${graph.name}": its weights take ${total} bytes, over the 2 GB protobuf limit; ` +
        `writing models with external data files is not supported`,
    );
  }
  const m = graph.meta;
  const model = {
    ir_version: numberToInt64(m.irVersion),
    opset_import: Object.entries(graph.opsets).map(([domain, version]) => ({ domain, version: numberToInt64(version) })),
    producer_name: m.producerName,
    producer_version: m.producerVersion,
    domain: m.domain,
    model_version: numberToInt64(m.modelVersion),
    doc_string: m.docString,
    graph: graphToProto(graph, m.irVersion < IR_VERSION_INITIALIZERS_NOT_INPUTS),
    metadata_props: Object.entries(m.metadataProps).map(([key, value]) => ({ key, value })),
  };
  return onnxTypes().model.encode(model).finish();
}

/** Writes a Graph as an ONNX file (temporary file, then rename). */
export async function writeOnnx(graph: Graph, path: string): Promise<void> {
  await writeFileAtomic(path, encodeModel(graph));
}

/**
 * Decodes a serialized TensorProto (ONNX test data .pb files are these).
 * External data, if any, is resolved next to `file`.
 */
export function decodeTensor(bytes: Uint8Array, options: { file?: string } = {}): { name: string; tensor: Tensor } {
  const { file } = options;
  const proto = decodeProto<TensorProto>("tensor", bytes, file);
  const name = proto.name ?? "";
  const tensor = tensorFromProto(proto, {
    file,
    externalDataDir: file === undefined ? undefined : dirname(file),
    where: `tensor "${name}"`,
  });
  return { name, tensor };
}

export function encodeTensor(name: string, tensor: Tensor): Uint8Array {
  return onnxTypes().tensor.encode(tensorToProto(name, tensor)).finish();
}
