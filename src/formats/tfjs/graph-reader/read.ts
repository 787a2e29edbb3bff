// TF.js graph model → ONNX Graph. Placeholders become the graph inputs and
// signature outputs its outputs (under the signature's names), Const nodes
// take their values from the weights manifest, and every other TensorFlow op
// goes through the import table. Every op the table lacks, and every node it
// cannot convert, is listed in one error.
import { FormatError, UnsupportedOpError } from "../../../core/errors.js";
import { GraphBuilder, type AttributeInput } from "../../../graph/builder.js";
import { pruneUnused } from "../../../graph/extract.js";
import { float32, int64, toNumbers } from "../../../graph/tensor.js";
import type { DType, Dim, Graph, Tensor } from "../../../graph/types.js";
import type { GraphModelJson, TfNodeDef } from "../model-json.js";
import { attrType, shapeDims, type TfAttrs } from "../tf-attrs.js";
import { importOpFor, type ImportContext, type TfType } from "./ops/index.js";

const OPSET = 13;
const DTYPES: Readonly<Record<string, { dtype: DType; type: TfType }>> = Object.freeze({
  DT_FLOAT: { dtype: "float32", type: "float32" },
  DT_HALF: { dtype: "float32", type: "float32" },
  DT_DOUBLE: { dtype: "float32", type: "float32" },
  DT_INT32: { dtype: "int32", type: "int32" },
  DT_INT64: { dtype: "int32", type: "int32" },
  DT_INT8: { dtype: "int32", type: "int32" },
  DT_UINT8: { dtype: "int32", type: "int32" },
  DT_BOOL: { dtype: "bool", type: "bool" },
});
const GRAPH_ONLY = new Set(["NoOp"]);

class ImportFailure extends Error {}

const nodeName = (ref: string) => ref.replace(/^\^/, "").split(":")[0]!;
const outputIndex = (ref: string) => (ref.includes(":") ? Number(ref.split(":").pop()) : 0);

/** The nodes in dependency order (TF does not promise one); a cycle is a FormatError. */
function sorted(nodes: readonly TfNodeDef[], file: string): TfNodeDef[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const state = new Map<string, 1 | 2>();
  const out: TfNodeDef[] = [];
  for (const root of nodes) {
    const stack: [TfNodeDef, number][] = [[root, 0]];
    while (stack.length > 0) {
      const [node, next] = stack[stack.length - 1]!;
      if (next === 0) {
        if (state.get(node.name) === 2) {
          stack.pop();
          continue;
        }
        state.set(node.name, 1);
      }
      const inputs = node.input ?? [];
      if (next < inputs.length) {
        stack[stack.length - 1]![1]++;
        const dep = byName.get(nodeName(inputs[next]!));
        if (dep === undefined) continue; // reported as a missing input when converted
        if (state.get(dep.name) === 1) throw new FormatError(`${file}: the graph has a cycle through node "${dep.name}"`, { file });
        if (state.get(dep.name) !== 2) stack.push([dep, 0]);
        continue;
      }
      state.set(node.name, 2);
      out.push(node);
      stack.pop();
    }
  }
  return out;
}

function checkTopology(json: GraphModelJson, file: string): readonly TfNodeDef[] {
  const nodes = json.modelTopology?.node;
  if (!Array.isArray(nodes)) throw new FormatError(`${file}: modelTopology.node must be a list of nodes`, { file });
  const problems: string[] = [];
  const names = new Set<string>();
  nodes.forEach((n, i) => {
    if (typeof n?.name !== "string" || typeof n?.op !== "string") problems.push(`node ${i} has no name or op`);
    else if (names.has(n.name)) problems.push(`node name "${n.name}" appears twice`);
    else names.add(n.name);
    if (n?.input !== undefined && (!Array.isArray(n.input) || !n.input.every((s: unknown) => typeof s === "string"))) problems.push(`node "${n?.name}": input must be a list of names`);
  });
  const functions = (json.modelTopology.library as { function?: unknown[] } | undefined)?.function;
  if (Array.isArray(functions) && functions.length > 0) problems.push(`the graph has ${functions.length} library function(s) (control flow: If/While), which compactor does not read`);
  if (problems.length > 0) throw new FormatError(`${file}: bad graph model topology:\n  ${problems.join("\n  ")}`, { file });
  return nodes;
}

export function decodeGraphModel(json: GraphModelJson, weights: ReadonlyMap<string, Tensor>, file: string): Graph {
  const nodes = sorted(checkTopology(json, file), file);
  const b = new GraphBuilder({ name: (json.userDefinedMetadata?.name as string | undefined) ?? "tfjs_graph_model", opset: OPSET });
  const values = new Map<string, string>();
  const types = new Map<string, TfType>();
  const constants = new Map<string, Tensor>();
  const usedNames = new Set<string>();
  const unsupported = new Map<string, string[]>();
  const problems: string[] = [];
  const inputKey = new Map(Object.entries(json.signature?.inputs ?? {}).map(([key, info]) => [nodeName(info.name), key]));
  const outputKeys = Object.entries(json.signature?.outputs ?? {}).map(([key, info]) => [key, info.name] as const);
  const unique = (base: string) => {
    let name = base;
    for (let k = 1; usedNames.has(name); k++) name = `${base}_${k}`;
    usedNames.add(name);
    return name;
  };

  for (const node of nodes) {
    const attrs: TfAttrs = node.attr ?? {};
    if (node.op === "Placeholder" || node.op === "PlaceholderWithDefault") {
      const t = DTYPES[attrType(attrs, "dtype") ?? "DT_FLOAT"];
      if (!t) {
        problems.push(`input "${node.name}": dtype ${attrType(attrs, "dtype")} is not one TF.js runs`);
        continue;
      }
      const name = inputKey.get(node.name) ?? node.name;
      const dims = shapeDims(attrs.shape?.shape) ?? [];
      const shape: Dim[] = dims.map((d, i) => (d !== null ? d : i === 0 ? "batch" : `${name}_dim${i}`));
      values.set(node.name, b.input(unique(name), t.dtype, shape));
      types.set(node.name, t.type);
      continue;
    }
    if (node.op === "Const") {
      const w = weights.get(node.name);
      if (w === undefined) {
        problems.push(`Const node "${node.name}" has no entry in the weights manifest`);
        continue;
      }
      constants.set(node.name, w);
      values.set(node.name, b.initializer(unique(node.name), w));
      types.set(node.name, w.dtype === "bool" ? "bool" : w.dtype === "int32" ? "int32" : "float32");
      continue;
    }
    if (GRAPH_ONLY.has(node.op)) continue;
    const entry = importOpFor(node.op);
    if (!entry) {
      (unsupported.get(node.op) ?? unsupported.set(node.op, []).get(node.op)!).push(node.name);
      continue;
    }
    const inputs = (node.input ?? []).filter((i) => !i.startsWith("^"));
    const missing = inputs.filter((i) => !values.has(i) && !values.has(nodeName(i)) && !nodes.some((n) => n.name === nodeName(i)));
    if (missing.length > 0) {
      problems.push(`node "${node.name}" (${node.op}) reads ${missing.map((m) => `"${m}"`).join(", ")}, which no node produces`);
      continue;
    }
    const valueOf = (ref: string) => values.get(outputIndex(ref) === 0 ? nodeName(ref) : ref);
    if (inputs.some((i) => valueOf(i) === undefined)) continue; // its producer failed; reported there
    const fail = (reason: string): never => {
      throw new ImportFailure(reason);
    };
    const constantOf = (i: number) => constants.get(nodeName(inputs[i] ?? ""));
    const ctx: ImportContext = {
      b,
      node,
      attrs,
      inputCount: inputs.length,
      input: (i) => valueOf(inputs[i] ?? "") ?? fail(`input ${i} is missing`),
      constant: constantOf,
      ints: (i) => {
        const t = constantOf(i);
        return t === undefined ? undefined : toNumbers(t);
      },
      int64: (i) => {
        const t = constantOf(i);
        if (t) return b.initializer(unique(`${node.name}/int64_${i}`), int64(t.dims, toNumbers(t)));
        return b.node("Cast", [ctx.input(i)], { to: 7 }, { name: unique(`${node.name}/int64_${i}`) })[0]!;
      },
      type: (i) => types.get(nodeName(inputs[i] ?? "")) ?? "float32",
      part: (p) => `${node.name}/${p}`,
      onnx: (opType, ins, attributes = {}, suffix, outputs = 1) =>
        b.node(opType, ins, attributes as Readonly<Record<string, AttributeInput>>, { name: unique(suffix ? `${node.name}/${suffix}` : node.name), outputs }),
      int64Const: (vs, name, dims) => b.initializer(unique(`${node.name}/${name}`), int64(dims ?? [vs.length], vs)),
      floatConst: (vs, name, dims) => b.initializer(unique(`${node.name}/${name}`), float32(dims ?? [vs.length], vs)),
      fail,
    };
    try {
      const result = entry.convert(ctx);
      result.outputs.forEach((v, k) => {
        values.set(k === 0 ? node.name : `${node.name}:${k}`, v);
        types.set(k === 0 ? node.name : `${node.name}:${k}`, result.types?.[k] ?? ctx.type(0));
      });
    } catch (e) {
      if (!(e instanceof ImportFailure)) throw e;
      problems.push(`node "${node.name}" (${node.op}): ${e.message}`);
    }
  }
  if (unsupported.size > 0 || problems.length > 0) {
    const detail = problems.length > 0 ? `${problems.length} node${problems.length > 1 ? "s" : ""} could not be converted:\n  ${problems.join("\n  ")}\n` : "";
    const list = [...unsupported].map(([op, names]) => ({ op, domain: "tf", opset: 0, nodes: names }));
    throw new UnsupportedOpError(list, `${file}: cannot read this TF.js graph model`, `${detail}${list.length ? "These TensorFlow ops have no ONNX mapping in compactor yet." : ""}`);
  }
  const outputs = outputKeys.length > 0 ? outputKeys : nodes.filter((n) => n.op !== "Const" && !nodes.some((m) => (m.input ?? []).some((i) => nodeName(i) === n.name))).map((n) => [n.name, n.name] as const);
  for (const [key, ref] of outputs) {
    const v = values.get(outputIndex(ref) === 0 ? nodeName(ref) : ref);
    if (v === undefined) throw new FormatError(`${file}: signature output "${key}" names "${ref}", which is not a node of the graph`, { file });
    // One Identity per output: two outputs of one value, or an output that is an input, stay apart.
    b.output(b.node("Identity", [v], {}, { name: unique(`${key}/output`) })[0]!, key);
  }
  // TF's int32 shape constants are copied to int64 where ONNX asks; the originals may be left unread.
  return pruneUnused(b.build());
}
