// ONNX Graph → TF.js layers model (Keras topology) where the graph is a plain
// stack of layers Keras has: convolutions, pools, BatchNorm, Dense, merges,
// activations. The Keras model is channels-last, as TensorFlow users expect:
// image inputs (N, C, H, W) become (N, H, W, C) inputs, and weights are
// rearranged accordingly (kernels to HWIO, Dense rows after a Flatten to
// H·W·C order) — PyTorch weights taken onto TensorFlow. A chain becomes a
// Sequential model, anything else a Functional one. Every node Keras cannot
// express is listed in one error.
import { UnsupportedOpError } from "../../../core/errors.js";
import { attrTensor } from "../../../graph/attributes.js";
import { inferShapesWithReport } from "../../../graph/shape-inference/index.js";
import { onnxOpset, type Graph, type Tensor } from "../../../graph/types.js";
import type { LayersModelJson, LayersModelLayout } from "../model-json.js";
import { encodeWeights, type WeightQuantization } from "../weights.js";
import type { KerasLayerSpec, KerasValue } from "./keras-graph.js";
import * as L from "./layers.js";
import type { LayerWriter, WriterContext } from "./layers.js";

export interface LayersModelWriteOptions {
  readonly quantize?: WeightQuantization;
  readonly shardBytes?: number;
}

const WRITERS: Readonly<Record<string, LayerWriter>> = Object.freeze({
  Conv: L.conv,
  MaxPool: L.pool("MaxPooling2D"),
  AveragePool: L.pool("AveragePooling2D"),
  GlobalAveragePool: L.globalPool("GlobalAveragePooling2D"),
  GlobalMaxPool: L.globalPool("GlobalMaxPooling2D"),
  BatchNormalization: L.batchNorm,
  Relu: L.activation("relu"),
  Sigmoid: L.activation("sigmoid"),
  Tanh: L.activation("tanh"),
  Selu: L.activation("selu"),
  Softplus: L.activation("softplus"),
  Softsign: L.activation("softsign"),
  Elu: L.elu,
  LeakyRelu: L.leakyRelu,
  Clip: L.clip,
  Softmax: L.softmax,
  Gemm: L.gemm,
  Flatten: L.flatten,
  Add: L.merge("Add"),
  Sub: L.merge("Subtract"),
  Mul: L.merge("Multiply"),
  Max: L.merge("Maximum"),
  Min: L.merge("Minimum"),
  Mean: L.merge("Average"),
  Sum: L.merge("Add"),
  Concat: L.concat,
});
const PASS_THROUGH = new Set(["Identity", "Dropout"]);

const sanitize = (name: string) => name.replace(/[^A-Za-z0-9_.\-]/g, "_").replace(/^[^A-Za-z0-9]+/, "") || "layer";

export function encodeLayersModel(graph: Graph, options: LayersModelWriteOptions = {}): { json: LayersModelJson; shards: { name: string; bytes: Uint8Array }[]; layout: LayersModelLayout } {
  const { graph: typed, facts } = inferShapesWithReport(graph);
  const layers: KerasLayerSpec[] = [];
  const values = new Map<string, KerasValue>();
  const taken = new Set<string>();
  const problems: string[] = [];
  const unsupported = new Map<string, string[]>();
  const unique = (base: string) => {
    let name = sanitize(base);
    for (let k = 1; taken.has(name); k++) name = `${sanitize(base)}_${k}`;
    taken.add(name);
    return name;
  };
  const inputLayers: string[] = [];
  for (const input of typed.inputs) {
    const dims = input.shape ?? [];
    if (dims.slice(1).some((d) => typeof d !== "number") || dims.length < 2) {
      problems.push(`input "${input.name}": Keras needs every dimension but the batch known, got [${dims.join(", ")}]`);
      continue;
    }
    const rest = dims.slice(1) as number[];
    const image = dims.length === 4;
    const name = unique(input.name);
    const shape = image ? [rest[1], rest[2], rest[0]] : rest;
    const dtype = input.dtype === "float32" ? "float32" : input.dtype === "bool" ? "bool" : "int32";
    layers.push({ class_name: "InputLayer", name, config: { batch_input_shape: [null, ...shape], dtype, sparse: false, name }, inbound: [], weights: [] });
    inputLayers.push(name);
    values.set(input.name, { ref: [name, 0, 0], rank: dims.length, channelsLast: image });
  }
  const addLayer = (className: string, base: string, config: Record<string, unknown>, inbound: KerasValue): KerasValue => {
    const name = unique(base);
    layers.push({ class_name: className, name, config: { name, trainable: true, dtype: "float32", ...config }, inbound: [inbound], weights: [] });
    return { ref: [name, 0, 0], rank: 2, channelsLast: false };
  };
  // Keras flattened H·W·C; back to ONNX's C·H·W: reshape to the image, move channels first, flatten.
  const canonical = (v: KerasValue): KerasValue => {
    if (!v.flattenedFrom) return v;
    const [ch, h, w] = v.flattenedFrom;
    const image = addLayer("Reshape", `${v.ref[0]}_as_hwc`, { target_shape: [h, w, ch] }, v);
    const chw = addLayer("Permute", `${v.ref[0]}_as_chw`, { dims: [3, 1, 2] }, { ...image, rank: 4 });
    return addLayer("Flatten", `${v.ref[0]}_chw`, { data_format: "channels_last" }, { ...chw, rank: 4 });
  };
  // MatMul + Add(bias) pairs become one Dense; the Add is then skipped.
  const fusedAdds = new Set<string>();

  // Constant nodes (PyTorch exports Clip bounds as them) are weights like initializers.
  const constants = new Map(typed.initializers);
  for (const node of typed.nodes) {
    if (fusedAdds.has(node.name)) continue;
    const value = node.opType === "Constant" ? attrTensor(node, "value") : undefined;
    if (value) {
      constants.set(node.outputs[0]!, value);
      continue;
    }
    if (PASS_THROUGH.has(node.opType)) {
      const v = values.get(node.inputs[0]!);
      if (v) values.set(node.outputs[0]!, v);
      continue;
    }
    let writer = WRITERS[node.opType];
    if (node.opType === "MatMul") {
      const consumers = typed.nodes.filter((n) => n.inputs.includes(node.outputs[0]!));
      const add = consumers.length === 1 && consumers[0]!.opType === "Add" ? consumers[0]! : undefined;
      const biasName = add?.inputs.find((i) => i !== node.outputs[0]);
      const bias = biasName ? constants.get(biasName) : undefined;
      writer = (c: WriterContext) => {
        const w = c.constant(1) ?? c.fail("the weight must be a constant");
        if (w.dims.length !== 2) c.fail("a MatMul weight that is not a matrix");
        const useBias = bias !== undefined && bias.dims.length === 1;
        if (useBias) fusedAdds.add(add!.name);
        const out = L.dense(c, w, false, useBias ? bias : undefined);
        if (useBias) values.set(add!.outputs[0]!, out);
        return out;
      };
    }
    if (!writer) {
      (unsupported.get(node.opType) ?? unsupported.set(node.opType, []).get(node.opType)!).push(node.name);
      continue;
    }
    if (node.inputs.some((v) => v !== "" && !values.has(v) && !constants.has(v))) continue; // upstream failure, reported there
    const ctx: WriterContext = {
      node,
      value: (i) => values.get(node.inputs[i] ?? ""),
      constant: (i) => constants.get(node.inputs[i] ?? ""),
      dims: (i) => facts.get(node.inputs[i] ?? "")?.shape,
      layer: (className, config, inbound, weights = [], out = {}, suffix) => {
        const name = unique(suffix ? `${node.name}_${suffix}` : node.name);
        layers.push({ class_name: className, name, config: { name, trainable: true, dtype: "float32", ...config }, inbound, weights: weights as KerasLayerSpec["weights"] });
        return { ref: [name, 0, 0], rank: out.rank ?? inbound[0]?.rank ?? 2, channelsLast: out.channelsLast ?? false, ...(out.flattenedFrom ? { flattenedFrom: out.flattenedFrom } : {}), ...(out.pooled ? { pooled: true } : {}), ...(out.nonNegative ? { nonNegative: true } : {}) };
      },
      spatial: (v) => {
        if (!v.pooled) return v;
        const dims = facts.get(node.inputs.find((i) => values.get(i) === v) ?? "")?.shape;
        const ch = dims?.[1];
        if (typeof ch !== "number") throw new LayerWriteFailure("the pooled value's channel count is unknown");
        const name = unique(`${v.ref[0]}_as_image`);
        layers.push({ class_name: "Reshape", name, config: { name, trainable: true, dtype: "float32", target_shape: [1, 1, ch] }, inbound: [v], weights: [] });
        return { ref: [name, 0, 0], rank: 4, channelsLast: true };
      },
      canonical: (v) => canonical(v),
      fail: (reason) => {
        throw new LayerWriteFailure(reason);
      },
    };
    try {
      const out = writer(ctx);
      values.set(node.outputs[0]!, out);
    } catch (e) {
      if (!(e instanceof LayerWriteFailure) && !(e instanceof Error && e.name === "GraphError")) throw e;
      problems.push(`node "${node.name}" (${node.opType}): ${(e as Error).message}`);
    }
  }
  // Outputs hold ONNX's shapes, but for images, which stay channels-last (recorded in the layout).
  const outputs = typed.outputs.map((o) => {
    const v = values.get(o.name);
    if (v?.pooled) {
      const ch = facts.get(o.name)?.shape?.[1];
      if (typeof ch === "number") return { ...addLayer("Reshape", `${v.ref[0]}_as_nc11`, { target_shape: [ch, 1, 1] }, v), rank: 4 };
      problems.push(`output "${o.name}": a pooled value whose channel count is unknown`);
      return undefined;
    }
    return v && canonical(v);
  });
  if (unsupported.size > 0 || problems.length > 0 || outputs.some((o) => o === undefined)) {
    const list = [...unsupported].map(([op, nodes]) => ({ op, domain: "", opset: onnxOpset(typed), nodes }));
    const detail = problems.length > 0 ? `${problems.length} node${problems.length > 1 ? "s" : ""} Keras cannot express as written:\n  ${problems.join("\n  ")}\n` : "";
    throw new UnsupportedOpError(list, `cannot write graph "${graph.name}" as a TF.js layers model`, `${detail}A layers model holds a stack of Keras layers; write a TF.js graph model (--to tfjs) for any ONNX graph.`);
  }
  const layout: LayersModelLayout = {
    inputs: typed.inputs.map((input, i) => ({ onnx: input.name, keras: inputLayers[i]!, layout: input.shape?.length === 4 ? "NHWC" : "same" })),
    outputs: typed.outputs.map((o, i) => ({ onnx: o.name, keras: outputs[i]!.ref[0], layout: outputs[i]!.channelsLast ? "NHWC" : "same" })),
  };
  return { ...assemble(graph.name, layers, inputLayers, outputs as KerasValue[], layout, options), layout };
}

class LayerWriteFailure extends Error {}

/** A chain of single-input layers is a Sequential model; anything else Functional. */
function assemble(name: string, layers: KerasLayerSpec[], inputs: string[], outputs: KerasValue[], layout: LayersModelLayout, options: LayersModelWriteOptions) {
  const isChain = inputs.length === 1 && outputs.length === 1 && layers.every((l, i) => i === 0 || (l.inbound.length === 1 && l.inbound[0]!.ref[0] === layers[i - 1]!.name)) && outputs[0]!.ref[0] === layers[layers.length - 1]!.name;
  const keras = (l: KerasLayerSpec) => ({ class_name: l.class_name, config: l.config, name: l.name, inbound_nodes: l.inbound.length ? [l.inbound.map((v) => [...v.ref, {}])] : [] });
  const topology = isChain
    ? // tfjs-layers' own Sequential form: no InputLayer, its shape on the first layer.
      { class_name: "Sequential", config: { name: sanitize(name), layers: layers.slice(1).map((l, i) => ({ class_name: l.class_name, config: i === 0 ? { ...l.config, batch_input_shape: layers[0]!.config.batch_input_shape } : l.config })) } }
    : { class_name: "Model", config: { name: sanitize(name), layers: layers.map(keras), input_layers: inputs.map((n) => [n, 0, 0]), output_layers: outputs.map((o) => [...o.ref]) } };
  const weights = layers.flatMap((l) => l.weights.map((w) => ({ name: `${l.name}/${w.suffix}`, tensor: w.tensor })));
  const { manifest, shards } = encodeWeights(weights, options);
  const json: LayersModelJson = {
    format: "layers-model",
    generatedBy: "compactor",
    convertedBy: "compactor",
    modelTopology: { ...topology, keras_version: "tfjs-layers 4.22.0", backend: "tensor_flow.js" },
    weightsManifest: manifest,
    userDefinedMetadata: { compactor: layout },
  };
  return { json, shards };
}
