// Raises a graph's ai.onnx opset (13 … 21) without changing what it computes.
// Most ops between 13 and 21 only gained types or optional attributes; the ones
// whose form changed are rewritten here (ONNX Changelog: Reduce* axes became an
// input at 18, Split wants num_outputs at 18, GridSample renamed its modes at
// 20). Ops whose meaning changed in a way we do not rewrite are listed in one
// GraphError instead of being carried over silently.
import { GraphError } from "../core/errors.js";
import { int64 } from "./tensor.js";
import type { Attribute, Graph, Node, Tensor } from "./types.js";
import { onnxOpset } from "./types.js";

/** Reduce ops whose axes moved from an attribute to input 1 at opset 18 (ReduceSum moved at 13). */
const REDUCE_AXES_AT_18 = new Set(["ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"]);

/** Ops whose meaning changed and that we refuse to carry over, with the opset of the change. */
const CHANGED_MEANING: Readonly<Record<string, { since: number; why: string }>> = {
  GroupNormalization: { since: 21, why: "scale and bias became per channel instead of per group" },
  DFT: { since: 20, why: "dft_length and axis became inputs" },
};

export const LOWEST_UPGRADABLE_OPSET = 13;
export const HIGHEST_UPGRADE_OPSET = 21;

interface Context {
  readonly from: number;
  readonly to: number;
  readonly initializers: Map<string, Tensor>;
  readonly names: Set<string>;
  readonly problems: string[];
}

function freshName(ctx: Context, base: string): string {
  let name = base;
  for (let k = 1; ctx.names.has(name); k++) name = `${base}_${k}`;
  ctx.names.add(name);
  return name;
}

function crosses(ctx: Context, version: number): boolean {
  return ctx.from < version && ctx.to >= version;
}

function withoutAttribute(node: Node, name: string): Readonly<Record<string, Attribute>> {
  const { [name]: _dropped, ...rest } = node.attributes;
  return rest;
}

function upgradeNode(node: Node, ctx: Context): Node {
  if (node.domain !== "" && node.domain !== "ai.onnx") return node;
  const changed = CHANGED_MEANING[node.opType];
  if (changed && crosses(ctx, changed.since)) {
    ctx.problems.push(`node "${node.name}" (${node.opType}): at opset ${changed.since} ${changed.why}`);
    return node;
  }
  let out = upgradeSubgraphs(node, ctx);
  if (REDUCE_AXES_AT_18.has(node.opType) && crosses(ctx, 18)) {
    const axes = out.attributes.axes;
    if (axes?.type === "ints") {
      const name = freshName(ctx, `${node.name}_axes`);
      ctx.initializers.set(name, int64([axes.value.length], axes.value));
      out = { ...out, inputs: [out.inputs[0]!, name], attributes: withoutAttribute(out, "axes") };
    }
  }
  if (node.opType === "Split" && crosses(ctx, 18) && (out.inputs[1] ?? "") === "" && out.attributes.num_outputs === undefined) {
    out = { ...out, attributes: { ...out.attributes, num_outputs: { type: "int", value: out.outputs.length } } };
  }
  if (node.opType === "GridSample" && crosses(ctx, 20)) {
    const mode = out.attributes.mode;
    const renamed = mode?.type === "string" ? ({ bilinear: "linear", bicubic: "cubic" } as Record<string, string>)[mode.value] : undefined;
    if (renamed) out = { ...out, attributes: { ...out.attributes, mode: { type: "string", value: renamed } } };
  }
  return out;
}

/** If/Loop/Scan bodies follow the model's opset too. */
function upgradeSubgraphs(node: Node, ctx: Context): Node {
  let changed = false;
  const attributes: Record<string, Attribute> = {};
  for (const [name, a] of Object.entries(node.attributes)) {
    if (a.type === "graph") {
      attributes[name] = { type: "graph", value: upgradeBody(a.value, ctx) };
      changed = true;
    } else if (a.type === "graphs") {
      attributes[name] = { type: "graphs", value: a.value.map((g) => upgradeBody(g, ctx)) };
      changed = true;
    } else attributes[name] = a;
  }
  return changed ? { ...node, attributes } : node;
}

function upgradeBody(body: Graph, ctx: Context): Graph {
  const initializers = new Map(body.initializers);
  const inner: Context = { ...ctx, initializers };
  const nodes = body.nodes.map((n) => upgradeNode(n, inner));
  return { ...body, nodes, initializers };
}

/**
 * `graph` at ai.onnx opset `target` (and IR version 10 from opset 21, which
 * onnx pairs with it). A graph already at or above `target` comes back as is.
 */
export function upgradeOpset(graph: Graph, target: number): Graph {
  const from = onnxOpset(graph);
  if (from >= target) return graph;
  if (target > HIGHEST_UPGRADE_OPSET) throw new GraphError(`cannot upgrade graph "${graph.name}" to opset ${target}: the upgrader knows opsets up to ${HIGHEST_UPGRADE_OPSET}`);
  if (from < LOWEST_UPGRADABLE_OPSET) {
    throw new GraphError(
      `graph "${graph.name}" is at opset ${from}; upgrading it to ${target} is supported from opset ${LOWEST_UPGRADABLE_OPSET}. ` +
        `Re-export the model at opset ≥ ${LOWEST_UPGRADABLE_OPSET} (torch.onnx.export(..., opset_version=17)).`,
      { opset: from },
    );
  }
  const names = new Set<string>([...graph.initializers.keys(), ...graph.inputs.map((i) => i.name), ...graph.nodes.flatMap((n) => [n.name, ...n.outputs])]);
  const initializers = new Map(graph.initializers);
  const ctx: Context = { from, to: target, initializers, names, problems: [] };
  const nodes = graph.nodes.map((n) => upgradeNode(n, ctx));
  if (ctx.problems.length > 0) {
    throw new GraphError(`cannot upgrade graph "${graph.name}" from opset ${from} to ${target}:\n  ${ctx.problems.join("\n  ")}`, {
      opset: from,
      details: { problems: ctx.problems },
    });
  }
  const irVersion = target >= 21 ? Math.max(graph.meta.irVersion, 10) : graph.meta.irVersion;
  const { "ai.onnx": _alias, ...opsets } = graph.opsets;
  return { ...graph, nodes, initializers, opsets: { ...opsets, "": target }, meta: { ...graph.meta, irVersion } };
}
