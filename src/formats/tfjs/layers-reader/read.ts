// TF.js layers model (Keras topology, as tfjs-layers and tf.keras write it) →
// ONNX Graph. Sequential and Functional models; each layer call goes through
// the layer table, with the layer's weights found in the manifest by name.
// The graph keeps Keras's layout: its inputs are what the Keras model takes
// (channels last). Every unsupported layer is listed at once.
import { FormatError, UnsupportedOpError } from "../../../core/errors.js";
import { GraphBuilder, type AttributeInput } from "../../../graph/builder.js";
import { pruneUnused } from "../../../graph/extract.js";
import { int64 } from "../../../graph/tensor.js";
import type { DType, Dim, Graph, Tensor } from "../../../graph/types.js";
import type { KerasLayer, LayersModelJson } from "../model-json.js";
import { layerFor, type LayerContext } from "./layers/index.js";

const OPSET = 13;
const INPUT_TYPES: Readonly<Record<string, DType>> = Object.freeze({ float32: "float32", int32: "int32", bool: "bool" });

class LayerFailure extends Error {}

interface Topology {
  readonly kind: "Sequential" | "Functional";
  readonly name: string;
  readonly layers: readonly KerasLayer[];
  readonly inputs: readonly (readonly [string, number, number])[];
  readonly outputs: readonly (readonly [string, number, number])[];
}

function topologyOf(json: LayersModelJson, file: string): Topology {
  const top = json.modelTopology?.model_config ?? json.modelTopology;
  const className = (top as { class_name?: string })?.class_name;
  const config = (top as { config?: unknown })?.config as { name?: string; layers?: KerasLayer[]; input_layers?: unknown; output_layers?: unknown } | KerasLayer[] | undefined;
  const fail = (why: string): never => {
    throw new FormatError(`${file}: ${why}`, { file });
  };
  if (className === "Sequential") {
    const layers = Array.isArray(config) ? config : config?.layers;
    if (!Array.isArray(layers) || layers.length === 0) fail("a Sequential model needs a list of layers");
    return { kind: "Sequential", name: (Array.isArray(config) ? undefined : config?.name) ?? "sequential", layers: layers!, inputs: [], outputs: [] };
  }
  if (className === "Model" || className === "Functional") {
    const c = config as { name?: string; layers?: KerasLayer[]; input_layers?: unknown; output_layers?: unknown };
    const refs = (v: unknown, what: string) => {
      if (!Array.isArray(v) || !v.every((r) => Array.isArray(r) && typeof r[0] === "string")) fail(`${what} must be a list of [layer, node, tensor]`);
      return (v as unknown[][]).map((r) => [r[0] as string, Number(r[1] ?? 0), Number(r[2] ?? 0)] as const);
    };
    if (!Array.isArray(c?.layers)) fail("a Functional model needs a list of layers");
    return { kind: "Functional", name: c.name ?? "model", layers: c.layers!, inputs: refs(c.input_layers, "input_layers"), outputs: refs(c.output_layers, "output_layers") };
  }
  return fail(`modelTopology is a ${JSON.stringify(className)}; layers models are Sequential or Functional (Model)`);
}

/** weight name → tensor, found for a layer by its name as a path part ("dense/kernel", "lstm/lstm_cell/kernel"). */
function weightFinder(weights: ReadonlyMap<string, Tensor>) {
  const entries = [...weights].map(([name, t]) => ({ parts: name.replace(/:0$/, "").split("/"), t, name }));
  return (layer: string, suffix: string): Tensor | undefined => {
    const hits = entries.filter((e) => e.parts[e.parts.length - 1] === suffix && e.parts.slice(0, -1).includes(layer));
    return hits.length === 1 ? hits[0]!.t : undefined;
  };
}

export function decodeLayersModel(json: LayersModelJson, weights: ReadonlyMap<string, Tensor>, file: string): Graph {
  const topology = topologyOf(json, file);
  const b = new GraphBuilder({ name: topology.name, opset: OPSET });
  const findWeight = weightFinder(weights);
  const values = new Map<string, { value: string; rank: number }>();
  const used = new Set<string>();
  const unsupported = new Map<string, string[]>();
  const problems: string[] = [];
  const unique = (base: string) => {
    let name = base;
    for (let k = 1; used.has(name); k++) name = `${base}_${k}`;
    used.add(name);
    return name;
  };
  const layerName = (l: KerasLayer) => l.name ?? (l.config?.name as string | undefined) ?? "layer";

  const addInput = (layer: KerasLayer, name: string): { value: string; rank: number } => {
    if (layer.config === null || typeof layer.config !== "object") throw new FormatError(`${file}: input layer "${layerName(layer)}" has no config`, { file });
    const shape = (layer.config.batch_input_shape ?? layer.config.batchInputShape) as (number | null)[] | undefined;
    if (!Array.isArray(shape)) throw new FormatError(`${file}: input layer "${layerName(layer)}" has no batch_input_shape`, { file });
    const dtype = INPUT_TYPES[(layer.config.dtype as string | undefined) ?? "float32"] ?? "float32";
    if (!shape.every((d) => d === null || (Number.isInteger(d) && d >= 0 && d < 2 ** 31))) {
      throw new FormatError(`${file}: input layer "${layerName(layer)}" has batch_input_shape ${JSON.stringify(shape)}; each entry must be null or a non-negative integer`, { file });
    }
    const dims: Dim[] = shape.map((d, i) => (typeof d === "number" ? d : i === 0 ? "batch" : `${name}_dim${i}`));
    return { value: b.input(unique(name), dtype, dims), rank: dims.length };
  };

  /** One call of `layer` on `inputs`; undefined when it failed (recorded). */
  const call = (layer: KerasLayer, inputs: { value: string; rank: number }[], callIndex: number): { value: string; rank: number } | undefined => {
    const entry = layerFor(layer.class_name);
    const name = layerName(layer);
    if (!entry) {
      (unsupported.get(layer.class_name) ?? unsupported.set(layer.class_name, []).get(layer.class_name)!).push(name);
      return undefined;
    }
    const config = layer.config ?? {};
    const fail = (reason: string): never => {
      throw new LayerFailure(reason);
    };
    const prefix = callIndex === 0 ? name : `${name}_call${callIndex}`;
    const ctx: LayerContext = {
      b,
      className: layer.class_name,
      name,
      config,
      inputs: inputs.map((i) => i.value),
      ranks: inputs.map((i) => i.rank),
      weight: (suffix) => findWeight(name, suffix) ?? fail(`weight "${name}/${suffix}" is not in the weights manifest (or more than one weight matches)`),
      hasWeight: (suffix) => findWeight(name, suffix) !== undefined,
      onnx: (opType, ins, attributes = {}, suffix, outputs = 1) => b.node(opType, ins, attributes as Readonly<Record<string, AttributeInput>>, { name: unique(suffix ? `${prefix}/${suffix}` : prefix), outputs }),
      initializer: (t, suffix) => b.initializer(unique(`${prefix}/${suffix}`), t),
      int64: (vs, suffix) => b.initializer(unique(`${prefix}/${suffix}`), int64([vs.length], vs)),
      num: (key, fallback) => {
        const v = config[key];
        if (typeof v === "number" && Number.isFinite(v)) return v;
        if (fallback !== undefined && (v === undefined || v === null)) return fallback;
        return fail(`config "${key}" must be a finite number, got ${JSON.stringify(v)}`);
      },
      nums: (key, fallback) => {
        const v = config[key];
        if (Array.isArray(v) && v.every((x) => typeof x === "number" && Number.isFinite(x))) return v as number[];
        if (fallback !== undefined && (v === undefined || v === null)) return [...fallback];
        return fail(`config "${key}" must be a list of finite numbers, got ${JSON.stringify(v)}`);
      },
      str: (key, fallback) => {
        const v = config[key];
        if (typeof v === "string") return v;
        if (fallback !== undefined && (v === undefined || v === null)) return fallback;
        return fail(`config "${key}" must be a string, got ${JSON.stringify(v)}`);
      },
      bool: (key, fallback) => {
        const v = config[key];
        if (typeof v === "boolean") return v;
        if (fallback !== undefined && (v === undefined || v === null)) return fallback;
        return fail(`config "${key}" must be true or false, got ${JSON.stringify(v)}`);
      },
      fail,
    };
    try {
      const result = entry.convert(ctx);
      return { value: result.output, rank: result.rank };
    } catch (e) {
      if (e instanceof LayerFailure) problems.push(`layer "${name}" (${layer.class_name}): ${e.message}`);
      else if (e instanceof RangeError || e instanceof TypeError) {
        // A config value no check above anticipated (a size of 1e12, an axis past the rank) broke the conversion:
        // the file is inconsistent, and the user learns which layer and how.
        problems.push(`layer "${name}" (${layer.class_name}): its config and weights do not fit together (${e.message})`);
      } else throw e;
      return undefined;
    }
  };

  const graphInputs: string[] = [];
  const graphOutputs: [string, { value: string; rank: number }][] = [];
  if (topology.kind === "Sequential") {
    let layers = topology.layers;
    let current: { value: string; rank: number } | undefined;
    const first = layers[0]!;
    if (first.class_name === "InputLayer") {
      current = addInput(first, layerName(first));
      layers = layers.slice(1);
    } else current = addInput(first, `${layerName(first)}_input`);
    graphInputs.push(current.value);
    for (const layer of layers) {
      const next: { value: string; rank: number } | undefined = current ? call(layer, [current], 0) : undefined;
      // After a failure, later layers are still checked for support so every unsupported one is listed.
      if (!next && !layerFor(layer.class_name)) continue;
      current = next;
    }
    if (current) graphOutputs.push([layerName(layers[layers.length - 1] ?? first), current]);
  } else {
    const byName = new Map(topology.layers.map((l) => [layerName(l), l]));
    const key = (layer: string, node: number, tensor: number) => `${layer}:${node}:${tensor}`;
    for (const [name] of topology.inputs) {
      const layer = byName.get(name);
      if (!layer) throw new FormatError(`${file}: input layer "${name}" is not among the model's layers`, { file });
      const v = addInput(layer, name);
      values.set(key(name, 0, 0), v);
      graphInputs.push(v.value);
    }
    const failed = new Set<string>();
    // Layer calls in dependency order: a worklist, since a shared layer's later call can follow layers listed after it.
    const pending = topology.layers.flatMap((layer) =>
      layer.class_name === "InputLayer" ? [] : ((layer.inbound_nodes ?? []) as unknown[]).map((node, callIndex) => ({ layer, node: node as unknown[][], callIndex })),
    );
    let progress = true;
    while (pending.length > 0 && progress) {
      progress = false;
      for (let i = 0; i < pending.length; i++) {
        const { layer, node, callIndex } = pending[i]!;
        if (!Array.isArray(node) || !node.every((r) => Array.isArray(r))) throw new FormatError(`${file}: layer "${layerName(layer)}" has inbound nodes compactor cannot read (Keras 2 [layer, node, tensor, kwargs] lists are read)`, { file });
        const refs = node.map((r) => key(String(r[0]), Number(r[1] ?? 0), Number(r[2] ?? 0)));
        if (!refs.every((r) => values.has(r) || failed.has(r))) continue;
        pending.splice(i--, 1);
        progress = true;
        if (refs.some((r) => failed.has(r))) {
          failed.add(key(layerName(layer), callIndex, 0));
          if (!layerFor(layer.class_name)) call(layer, [], callIndex);
          continue;
        }
        const out = call(layer, refs.map((r) => values.get(r)!), callIndex);
        if (out) values.set(key(layerName(layer), callIndex, 0), out);
        else failed.add(key(layerName(layer), callIndex, 0));
      }
    }
    if (pending.length > 0) problems.push(`layers ${pending.map((p) => `"${layerName(p.layer)}"`).join(", ")} read tensors no layer produces`);
    for (const [name, node, tensor] of topology.outputs) {
      const v = values.get(key(name, node, tensor));
      if (v) graphOutputs.push([node === 0 && tensor === 0 ? name : `${name}_${node}_${tensor}`, v]);
      else if (!failed.has(key(name, node, tensor))) problems.push(`output "${name}" is not produced by any layer call`);
    }
  }
  if (unsupported.size > 0 || problems.length > 0) {
    const list = [...unsupported].map(([op, names]) => ({ op, domain: "keras", opset: 0, nodes: names }));
    const detail = problems.length > 0 ? `${problems.length} layer${problems.length > 1 ? "s" : ""} could not be converted:\n  ${problems.join("\n  ")}\n` : "";
    throw new UnsupportedOpError(list, `${file}: cannot read this TF.js layers model`, `${detail}${list.length ? `${list.length === 1 ? "This layer has" : "These layers have"} no ONNX mapping in compactor.` : ""}`);
  }
  for (const [name, v] of graphOutputs) b.output(b.node("Identity", [v.value], {}, { name: unique(`${name}/output`) })[0]!, graphInputs.includes(name) ? `${name}_output` : name);
  return pruneUnused(b.build());
}
