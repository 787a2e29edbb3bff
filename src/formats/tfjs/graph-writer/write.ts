// ONNX Graph → TF.js graph model: model.json (a TensorFlow GraphDef in JSON,
// TensorFlow op names as @tensorflow/tfjs-converter executes them) and weight
// shards. Inputs and outputs keep the ONNX names (as signature keys) and
// shapes, so `tf.loadGraphModel(...).execute({ [inputName]: x })` takes the
// same tensors onnxruntime does. Every node TF.js cannot express is listed in
// one UnsupportedOpError.
import { UnsupportedOpError } from "../../../core/errors.js";
import { float32, int64, makeTensor } from "../../../graph/tensor.js";
import { inferShapesWithReport } from "../../../graph/shape-inference/index.js";
import { onnxOpset, type DType, type Graph, type Node, type Tensor } from "../../../graph/types.js";
import { tfShape } from "../tf-attrs.js";
import type { GraphModelJson, TensorInfo } from "../model-json.js";
import { encodeWeights, type WeightQuantization } from "../weights.js";
import { TF_DTYPE, TfGraphBuilder, type TfType } from "./builder.js";
import { exportOpFor, type ExportContext } from "./ops/index.js";
import { T } from "./ops/helpers.js";
import { simplify } from "./simplify.js";

export interface GraphModelWriteOptions {
  /** Store float32 weights as uint8 (affine) or float16; TF.js dequantizes on load. */
  readonly quantize?: WeightQuantization;
  /** Bytes per weight shard (default 4 MiB, as TF.js's converter). */
  readonly shardBytes?: number;
}

export interface EncodedModel {
  readonly json: GraphModelJson;
  readonly shards: { name: string; bytes: Uint8Array }[];
}

export function tfTypeOf(dtype: DType | undefined): TfType {
  if (dtype === "bool") return "bool";
  if (dtype === undefined || dtype.startsWith("float") || dtype === "bfloat16") return "float32";
  return "int32";
}

/** A Constant node's tensor, whichever value_* attribute holds it. */
function constantValue(node: Node): Tensor | undefined {
  const a = node.attributes;
  if (a.value?.type === "tensor") return a.value.value;
  if (a.value_float?.type === "float") return float32([], [a.value_float.value]);
  if (a.value_floats?.type === "floats") return float32([a.value_floats.value.length], a.value_floats.value);
  if (a.value_int?.type === "int") return int64([], [a.value_int.value]);
  if (a.value_ints?.type === "ints") return int64([a.value_ints.value.length], a.value_ints.value);
  return undefined;
}

/** A tensor's values as TF.js holds them (float32, int32 or bool). */
function tfValues(t: Tensor): Float32Array | Int32Array | Uint8Array {
  const type = tfTypeOf(t.dtype);
  if (type === "bool") return Uint8Array.from(t.data as Uint8Array);
  if (t.dtype === "float32") return t.data as Float32Array;
  if (t.dtype === "int32") return t.data as Int32Array;
  const numbers = Array.from(t.data as ArrayLike<number | bigint>, (v) => Math.max(-2147483648, Math.min(2147483647, Number(v))));
  return type === "float32" ? Float32Array.from(numbers) : Int32Array.from(numbers);
}

class ExportFailure extends Error {}

export function encodeGraphModel(graph: Graph, options: GraphModelWriteOptions = {}): EncodedModel {
  const { graph: typed, facts } = inferShapesWithReport(graph);
  const opset = onnxOpset(typed);
  const b = new TfGraphBuilder();
  const refs = new Map<string, string>();
  const constants = new Map<string, Tensor>(typed.initializers);
  const unsupported = new Map<string, { op: string; domain: string; opset: number; nodes: string[] }>();
  const problems: string[] = [];

  for (const input of typed.inputs) {
    refs.set(input.name, b.placeholder(input.name, tfTypeOf(input.dtype), (input.shape ?? []).map((d) => (typeof d === "number" ? d : null))));
  }
  /** Constants become Const nodes when first used. */
  const refOf = (name: string): string | undefined => {
    const known = refs.get(name);
    if (known !== undefined) return known;
    const value = constants.get(name);
    if (value === undefined || value.dtype === "string") return undefined;
    const ref = b.constant(name, tfTypeOf(value.dtype), value.dims, tfValues(value));
    refs.set(name, ref);
    return ref;
  };
  const dtypeOf = (name: string): DType | undefined => constants.get(name)?.dtype ?? facts.get(name)?.dtype;
  const numbersOf = (name: string): number[] | undefined => {
    const v = facts.get(name)?.value;
    return v !== undefined && v.every((d): d is number => typeof d === "number") ? [...v] : undefined;
  };

  for (const node of typed.nodes) {
    if (node.domain !== "" && node.domain !== "ai.onnx") {
      const key = `${node.domain}.${node.opType}`;
      (unsupported.get(key) ?? unsupported.set(key, { op: node.opType, domain: node.domain, opset: typed.opsets[node.domain] ?? 0, nodes: [] }).get(key)!).nodes.push(node.name);
      continue;
    }
    if (node.opType === "Constant") {
      const value = constantValue(node);
      if (value) constants.set(node.outputs[0]!, value);
      else problems.push(`node "${node.name}" (Constant): no numeric value attribute`);
      continue;
    }
    // Outputs known at export (shapes of static dims, arithmetic on constants) are constants themselves.
    const folded = node.outputs.every((o) => {
      const f = facts.get(o);
      return o === "" || (numbersOf(o) !== undefined && f?.shape !== undefined && f.shape.every((d) => typeof d === "number") && f.dtype !== undefined && f.dtype !== "string");
    });
    if (folded && node.opType !== "Dropout") {
      for (const o of node.outputs) {
        if (o === "") continue;
        const f = facts.get(o)!;
        const values = numbersOf(o)!;
        const dims = f.shape as number[];
        constants.set(o, tfTypeOf(f.dtype) === "float32" ? makeTensor("float32", dims, Float32Array.from(values)) : tfTypeOf(f.dtype) === "bool" ? makeTensor("bool", dims, Uint8Array.from(values)) : makeTensor("int32", dims, Int32Array.from(values)));
      }
      continue;
    }
    const entry = exportOpFor(node.opType, opset);
    if (!entry) {
      (unsupported.get(node.opType) ?? unsupported.set(node.opType, { op: node.opType, domain: "", opset, nodes: [] }).get(node.opType)!).nodes.push(node.name);
      continue;
    }
    // An input whose producer failed to export: that failure is reported already.
    if (node.inputs.some((v) => v !== "" && refOf(v) === undefined && !constants.has(v))) continue;
    const fail = (reason: string): never => {
      throw new ExportFailure(reason);
    };
    const inputName = (i: number) => node.inputs[i] ?? "";
    const ctx: ExportContext = {
      b,
      node,
      opset,
      input: (i) => refOf(inputName(i)) ?? fail(`input ${i} ("${inputName(i)}") has no value TF.js can hold`),
      has: (i) => inputName(i) !== "",
      known: (i) => numbersOf(inputName(i)),
      partial: (i) => facts.get(inputName(i))?.value,
      constant: (i) => constants.get(inputName(i)),
      shape: (i) => facts.get(inputName(i))?.shape,
      outputShape: (k) => facts.get(node.outputs[k] ?? "")?.shape,
      rank: (i) => facts.get(inputName(i))?.shape?.length ?? fail(`the rank of input ${i} ("${inputName(i)}") is unknown`),
      dtype: (i) => dtypeOf(inputName(i)) ?? fail(`the type of input ${i} is unknown`),
      type: (i) => tfTypeOf(dtypeOf(inputName(i))),
      outputType: (k) => tfTypeOf(facts.get(node.outputs[k] ?? "")?.dtype),
      part: (p) => `${node.name}/${p}`,
      fail,
    };
    try {
      const outputs = entry.convert(ctx);
      node.outputs.forEach((o, k) => {
        if (o !== "" && outputs[k] !== undefined) refs.set(o, outputs[k]!);
      });
    } catch (e) {
      if (!(e instanceof ExportFailure) && !(e instanceof Error && e.name === "GraphError")) throw e;
      problems.push(`node "${node.name}" (${node.opType}): ${(e as Error).message}`);
    }
  }
  if (unsupported.size > 0 || problems.length > 0) {
    const list = [...unsupported.values()];
    const detail = problems.length > 0 ? `${problems.length} node${problems.length > 1 ? "s" : ""} TF.js cannot express as written:\n  ${problems.join("\n  ")}\n` : "";
    const where = `cannot write graph "${graph.name}" as a TF.js graph model`;
    if (list.length === 0) throw new UnsupportedOpError([], where, detail);
    throw new UnsupportedOpError(list, where, `${detail}These ops have no TF.js graph-model mapping yet; the ONNX file runs in onnxruntime and on compactor's tfjs runtime.`);
  }

  const signatureInputs: Record<string, TensorInfo> = {};
  for (const input of typed.inputs) {
    signatureInputs[input.name] = { name: `${refs.get(input.name)!}:0`, dtype: TF_DTYPE[tfTypeOf(input.dtype)], tensorShape: tfShape((input.shape ?? []).map((d) => (typeof d === "number" ? d : null))) };
  }
  const signatureOutputs: Record<string, TensorInfo> = {};
  for (const output of typed.outputs) {
    const type = tfTypeOf(output.dtype);
    const node = b.op("Identity", [refOf(output.name)!], T(type), output.name);
    signatureOutputs[output.name] = { name: `${node}:0`, dtype: TF_DTYPE[type], tensorShape: tfShape((output.shape ?? []).map((d) => (typeof d === "number" ? d : null))) };
  }
  const outputNodes = Object.values(signatureOutputs).map((o) => o.name.slice(0, -2));
  const { nodes, weights } = simplify(b.nodes, b.weights, outputNodes);
  const { manifest, shards } = encodeWeights(weights, options);
  const json: GraphModelJson = {
    format: "graph-model",
    generatedBy: `ONNX opset ${opset}`,
    convertedBy: "compactor",
    modelTopology: { node: nodes, library: {}, versions: { producer: 1 } },
    weightsManifest: manifest,
    signature: { inputs: signatureInputs, outputs: signatureOutputs },
  };
  return { json, shards };
}
