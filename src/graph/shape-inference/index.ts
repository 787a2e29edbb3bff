// Shape inference: walks the graph in order, applying each op's rule to what
// is known about its inputs. Unknown ops leave their outputs unknown (with the
// file's declared shapes, if any) and are reported, never guessed at.
import { CompactorError, ShapeError } from "../../core/errors.js";
import { OP_TABLE, attach, type OpVersion } from "../ops/index.js";
import type { Graph, Node, ValueInfo } from "../types.js";
import { mergeShapes } from "./dims.js";
import { tensorFacts } from "./facts.js";
import { SHAPE_RULES } from "./rules.js";
import type { InferContext, ShapeRule, ValueFacts } from "./types.js";

export type { InferContext, ShapeRule, ValueFacts } from "./types.js";

export interface UnknownOp {
  readonly op: string;
  readonly domain: string;
  readonly opset: number;
  readonly nodes: readonly string[];
}

export interface ShapeReport {
  /** The graph with valueInfo for every node output it could type, and outputs filled in. */
  readonly graph: Graph;
  /** Ops without a shape rule; their outputs keep only the shapes the graph declared. */
  readonly unknownOps: readonly UnknownOp[];
  /** Definite inconsistencies (dims that cannot broadcast, bad axes), one line each naming the node. */
  readonly problems: readonly string[];
  /** Everything known per value, folded constants included (runtime compilers may use these). */
  readonly facts: ReadonlyMap<string, ValueFacts>;
}

// Shape rules attach to the op table's versions; a version without its own
// rule uses the one of the op's newest earlier version (shapes rarely change
// between versions).
const RULES = attach(OP_TABLE, SHAPE_RULES, "shape rules (shape-inference/rules.ts)");

/** The rule in force for `version`: its own or the newest earlier version's. */
export function shapeRuleOf(version: OpVersion): ShapeRule | undefined {
  for (const v of OP_TABLE.history(version)) {
    const rule = RULES.get(v);
    if (rule) return rule;
  }
  return undefined;
}

/** The rule for `opType` at `opset` (see graph/ops/table.ts: none for an undeclared opset). */
export function shapeRuleFor(opType: string, domain: string, opset: number): ShapeRule | undefined {
  const version = OP_TABLE.lookup(domain, opType, opset);
  return version && shapeRuleOf(version);
}

function contextFor(node: Node, opset: number, facts: ReadonlyMap<string, ValueFacts>, problems: string[]): InferContext {
  const input = (i: number): ValueFacts | undefined => {
    const name = node.inputs[i];
    return name === undefined || name === "" ? undefined : facts.get(name);
  };
  return {
    node,
    opset,
    input,
    shape: (i) => input(i)?.shape,
    dtype: (i) => input(i)?.dtype,
    value: (i) => input(i)?.value,
    numbers: (i) => {
      const v = input(i)?.value;
      return v !== undefined && v.every((d) => typeof d === "number") ? (v as number[]) : undefined;
    },
    problem: (message) => problems.push(`node "${node.name}" (${node.opType}): ${message}`),
  };
}

/** Declared facts win where inference knows less (unknown ops, data-dependent sizes). */
function merge(inferred: ValueFacts | undefined, declared: ValueInfo | undefined): ValueFacts {
  return {
    dtype: inferred?.dtype ?? declared?.dtype,
    shape: mergeShapes(inferred?.shape, declared?.shape),
    value: inferred?.value,
  };
}

function toValueInfo(name: string, f: ValueFacts, declared: ValueInfo | undefined): ValueInfo | undefined {
  if (f.dtype === undefined) return declared;
  const info: ValueInfo = { name, dtype: f.dtype, ...(f.shape ? { shape: Object.freeze([...f.shape]) } : {}) };
  return declared?.docString ? { ...info, docString: declared.docString } : info;
}

export function inferShapesWithReport(graph: Graph): ShapeReport {
  const facts = new Map<string, ValueFacts>();
  const problems: string[] = [];
  const unknown = new Map<string, { op: string; domain: string; opset: number; nodes: string[] }>();
  const declared = new Map<string, ValueInfo>(graph.valueInfo);
  for (const output of graph.outputs) declared.set(output.name, output);

  for (const [name, t] of graph.initializers) facts.set(name, tensorFacts(t));
  for (const input of graph.inputs) facts.set(input.name, { dtype: input.dtype, shape: input.shape });

  for (const node of graph.nodes) {
    // Each node at the opset its graph declares for the node's own domain.
    const { version, opset } = OP_TABLE.forNode(graph, node);
    const rule = version && shapeRuleOf(version);
    let outputs: readonly (ValueFacts | undefined)[] = [];
    if (rule === undefined) {
      const key = `${node.domain}:${node.opType}`;
      const entry = unknown.get(key) ?? { op: node.opType, domain: node.domain, opset, nodes: [] };
      entry.nodes.push(node.name);
      unknown.set(key, entry);
    } else {
      try {
        outputs = rule.infer(contextFor(node, opset, facts, problems));
      } catch (error) {
        // A malformed attribute is a problem of this node; keep going to list all of them.
        if (!(error instanceof CompactorError)) throw error;
        problems.push(`node "${node.name}" (${node.opType}): ${error.message}`);
      }
    }
    node.outputs.forEach((name, i) => {
      if (name !== "") facts.set(name, merge(outputs[i], declared.get(name)));
    });
  }

  const valueInfo = new Map<string, ValueInfo>(graph.valueInfo);
  for (const node of graph.nodes) {
    for (const name of node.outputs) {
      if (name === "") continue;
      const info = toValueInfo(name, facts.get(name)!, declared.get(name));
      if (info) valueInfo.set(name, info);
    }
  }
  const outputs = graph.outputs.map((o) => {
    const f = facts.get(o.name);
    return f ? toValueInfo(o.name, merge(f, o), o) ?? o : o;
  });
  return {
    graph: { ...graph, valueInfo, outputs },
    unknownOps: [...unknown.values()],
    problems,
    facts,
  };
}

/**
 * The graph with inferred dtypes and shapes in valueInfo (every node output it
 * can type) and in outputs. Unknown ops are tolerated (see
 * inferShapesWithReport); definite inconsistencies throw one ShapeError
 * listing all of them.
 */
export function inferShapes(graph: Graph): Graph {
  const report = inferShapesWithReport(graph);
  if (report.problems.length > 0) {
    throw new ShapeError(
      `graph "${graph.name}": shape inference found ${report.problems.length} inconsistenc${report.problems.length > 1 ? "ies" : "y"}:\n` +
        report.problems.map((p) => `  - ${p}`).join("\n") +
        `\nThe graph cannot run as written; fix the shapes of the named nodes' inputs.`,
      { details: { problems: report.problems } },
    );
  }
  return report.graph;
}
