// Puts a state_dict into a graph exported from the same architecture (with
// other weights): `compactor convert model.pt --graph model.onnx`. In order:
//  1. by name — initializers PyTorch's exporter kept under their parameter names;
//  2. by scope — the module named in the node's name ("/layer1/layer1.0/conv1/Conv");
//  3. by shape and order — the first module, in registration order, whose
//     parameters fit the node (transposed for MatMul, gates reordered for LSTM/GRU,
//     BatchNorm folded into Conv where the export folded it).
// Every graph weight left without a parameter, and every parameter left
// unused, is named in one WeightMappingError; nothing is guessed silently.
import { WeightMappingError } from "../../core/errors.js";
import { editGraph } from "../../graph/edit.js";
import { toFloat32 } from "../../graph/float-bits.js";
import type { Graph, Node, Tensor } from "../../graph/types.js";
import { type Module, StateDictModules } from "./modules.js";
import { choosePrefix } from "./prefix.js";
import { rulesFor, type MapContext, type Pending } from "./rules/index.js";
import { separateWeightSlots } from "./slots.js";
import { sameDims } from "./tensor-ops.js";

export const MATCH_KINDS = ["name", "scope", "order"] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];

export interface MappingRow {
  /** The graph initializer that received the weight. */
  readonly initializer: string;
  /** The node (and op) that reads it. */
  readonly node: string;
  readonly op: string;
  /** state_dict keys it was made from. */
  readonly keys: readonly string[];
  readonly how: MatchKind;
  readonly note?: string;
}

export interface WeightsOntoGraphOptions {
  /** ε of BatchNorms the exporter folded into convs (PyTorch's default 1e-5; a state_dict does not store it). */
  readonly batchNormEpsilon?: number;
  /** Strip this key prefix ("model.") instead of choosing one. */
  readonly prefix?: string;
  /** Accept state_dict entries that map to nothing (a graph exported from part of the model). */
  readonly allowUnused?: boolean;
  /** Keep the graph's own values for float initializers no parameter fits, instead of failing. */
  readonly keepUnmapped?: boolean;
}

export interface WeightsOntoGraphResult {
  readonly graph: Graph;
  readonly mapping: readonly MappingRow[];
  readonly prefix: string;
  /** Keys not used: BatchNorm step counters, keys outside the prefix, and (with allowUnused) the rest. */
  readonly ignored: readonly string[];
  /** Graph initializers that kept their exported values (only with keepUnmapped). */
  readonly kept: readonly string[];
  /** BatchNorm modules folded into convs, and the ε used (not stored in a state_dict). */
  readonly foldedBatchNorms: readonly string[];
  readonly batchNormEpsilon: number;
}

const COUNTERS = /(^|\.)num_batches_tracked$/;
const isFloat = (t: Tensor) => t.dtype === "float32" || t.dtype === "float16" || t.dtype === "bfloat16" || t.dtype === "float64";

export function weightsOntoGraph(graph: Graph, stateDict: ReadonlyMap<string, Tensor>, options: WeightsOntoGraphOptions = {}): WeightsOntoGraphResult {
  const chosen = choosePrefix(graph, stateDict, options.prefix);
  const weights = new Map([...chosen.weights].map(([k, t]) => [k, isFloat(t) ? toFloat32(t) : t]));
  const g = separateWeightSlots(graph, (name) => weights.has(name));
  const modules = new StateDictModules(weights);
  const values = new Map<string, Tensor>();
  const mapping: MappingRow[] = [];
  const problems: string[] = [];
  const readers = new Map<string, { node: Node; input: number }[]>();
  const producers = new Map<string, Node>();
  for (const node of g.nodes) {
    node.inputs.forEach((v, input) => (readers.get(v) ?? readers.set(v, []).get(v)!).push({ node, input }));
    for (const out of node.outputs) producers.set(out, node);
  }
  const firstReader = (name: string) => readers.get(name)?.[0];
  const moduleOfNode = new Map<string, { module: Module; leaf: string }>();
  const pending = new Map<string, Tensor>();
  const folded = new Set<string>();

  // 1. By name.
  for (const [name, tensor] of g.initializers) {
    const weight = weights.get(name);
    if (weight === undefined) {
      if (tensor.dtype === "float32" && readers.has(name)) pending.set(name, tensor);
      continue;
    }
    const reader = firstReader(name);
    const fits = sameDims(weight.dims, tensor.dims) || (weight.data.length === tensor.data.length && weight.dims.filter((d) => d !== 1).join() === tensor.dims.filter((d) => d !== 1).join());
    if (!fits || weight.dtype !== tensor.dtype) {
      problems.push(`"${name}" is ${weight.dtype} [${weight.dims.join(", ")}] in the state_dict but ${tensor.dtype} [${tensor.dims.join(", ")}] in the graph`);
      continue;
    }
    modules.use(name);
    values.set(name, sameDims(weight.dims, tensor.dims) ? weight : { ...weight, dims: tensor.dims });
    mapping.push({ initializer: name, node: reader?.node.name ?? "", op: reader?.node.opType ?? "", keys: [name], how: "name" });
    const dot = name.lastIndexOf(".");
    const module = modules.module(dot < 0 ? "" : name.slice(0, dot));
    for (const r of readers.get(name) ?? []) if (module) moduleOfNode.set(r.node.name, { module, leaf: name.slice(dot + 1) });
  }

  const ctx: MapContext = {
    modules,
    pending: (node, input): Pending | undefined => {
      const name = node.inputs[input];
      const tensor = name === undefined ? undefined : pending.get(name);
      return tensor && name ? { name, tensor } : undefined;
    },
    moduleOf: (node) => moduleOfNode.get(node.name),
    producer: (value) => producers.get(value),
    consumers: (value) => (readers.get(value) ?? []).map((r) => r.node),
    batchNormEpsilon: options.batchNormEpsilon ?? 1e-5,
  };

  // 2. By scope, then 3. by shape and order.
  for (const how of ["scope", "order"] as const) {
    for (const node of g.nodes) {
      if (!node.inputs.some((v) => pending.has(v))) continue;
      const candidates = how === "scope" ? modules.scopesOf(node.name) : modules.modules;
      if (candidates.length === 0) continue;
      for (const rule of rulesFor(node.opType)) {
        const match = rule.map(node, candidates, ctx);
        if (!match) continue;
        for (const a of match.assignments) {
          pending.delete(a.slot);
          values.set(a.slot, a.value);
          a.keys.forEach((k) => modules.use(k));
          if (a.folded !== undefined) folded.add(a.folded);
          mapping.push({ initializer: a.slot, node: node.name, op: node.opType, keys: a.keys, how, ...(a.note ? { note: a.note } : {}) });
        }
        moduleOfNode.set(node.name, { module: match.module, leaf: match.leaf });
        break;
      }
    }
  }

  const kept: string[] = [];
  for (const [name, tensor] of pending) {
    if (options.keepUnmapped) {
      kept.push(name);
      continue;
    }
    const r = firstReader(name)!;
    problems.push(`graph initializer "${name}" [${tensor.dims.join(", ")}] (input ${r.input} of ${r.node.opType} "${r.node.name}"): no unused state_dict parameter fits it`);
  }
  const unused = modules.unused();
  const counters = unused.filter((k) => COUNTERS.test(k));
  const leftover = unused.filter((k) => !COUNTERS.test(k));
  if (leftover.length > 0 && !options.allowUnused) {
    problems.push(`state_dict entries that map to nothing in the graph: ${leftover.map((k) => `"${chosen.prefix}${k}" [${weights.get(k)!.dims.join(", ")}]`).join(", ")}`);
  }
  if (problems.length > 0) {
    throw new WeightMappingError(
      `the weights do not fit the graph "${graph.name}" (${problems.length} problem${problems.length > 1 ? "s" : ""}):\n  ${problems.join("\n  ")}\n` +
        `Export the graph from the same architecture the state_dict was saved from` +
        `${options.allowUnused ? "" : "; --allow-unused accepts weights the graph does not use"}${options.keepUnmapped ? "" : "; --keep-unmapped keeps the graph's values where no weight fits"}.`,
      { details: { problems, mapped: mapping.length } },
    );
  }
  const result = editGraph(g, (edit) => {
    for (const [name, value] of values) edit.setInitializer(name, value);
  });
  const ignored = [...chosen.outside, ...counters.map((k) => chosen.prefix + k), ...(options.allowUnused ? leftover.map((k) => chosen.prefix + k) : [])];
  return { graph: result, mapping, prefix: chosen.prefix, ignored, kept, foldedBatchNorms: [...folded], batchNormEpsilon: ctx.batchNormEpsilon };
}
