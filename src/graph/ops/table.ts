// The versioned op table and its one lookup rule, shared by shape inference
// and every runtime: for a node, take the opset the graph declares for the
// node's own domain, and the newest version of the op at or below it.
//
// An undeclared domain has opset 0 (UNDECLARED_OPSET), at which nothing
// resolves: ONNX requires every domain a model uses in its opset_import, and
// onnxruntime refuses a model without it. So the tfjs runtime reports such a
// node as unsupported and shape inference lists it among its unknown ops;
// neither guesses a version.
import type { Graph, Node } from "../types.js";
import type { OpVersion } from "./define.js";

export const UNDECLARED_OPSET = 0;

/** ai.onnx is written "" in graphs; both spellings mean the default domain. */
export function normalizeDomain(domain: string | undefined): string {
  return domain === undefined || domain === "ai.onnx" ? "" : domain;
}

/** The opset `graph` declares for `domain`, or UNDECLARED_OPSET. */
export function opsetOf(graph: Graph, domain: string): number {
  const d = normalizeDomain(domain);
  const declared = d === "" ? (graph.opsets[""] ?? graph.opsets["ai.onnx"]) : graph.opsets[d];
  return declared ?? UNDECLARED_OPSET;
}

function key(domain: string, opType: string): string {
  return `${normalizeDomain(domain)}::${opType}`;
}

export class OpTable {
  /** Versions per (domain, op), oldest first. */
  private readonly byOp = new Map<string, OpVersion[]>();

  constructor(versions: readonly OpVersion[]) {
    for (const v of versions) {
      const k = key(v.domain, v.opType);
      const list = this.byOp.get(k) ?? [];
      if (list.some((x) => x.since === v.since)) throw new Error(`op table lists ${v.domain || "ai.onnx"} ${v.opType} since ${v.since} twice (src/graph/ops/)`);
      list.push(v);
      list.sort((a, b) => a.since - b.since);
      this.byOp.set(k, list);
    }
  }

  /** The newest version of `opType` at or below `opset`; none at UNDECLARED_OPSET. */
  lookup(domain: string, opType: string, opset: number): OpVersion | undefined {
    let found: OpVersion | undefined;
    for (const v of this.byOp.get(key(domain, opType)) ?? []) if (v.since <= opset) found = v;
    return found;
  }

  /** `node`'s version under `graph`'s opsets, and the opset it was looked up at. */
  forNode(graph: Graph, node: Node): { readonly version: OpVersion | undefined; readonly opset: number } {
    const opset = opsetOf(graph, node.domain);
    return { version: this.lookup(node.domain, node.opType, opset), opset };
  }

  /** The version starting exactly at `since`, for attaching rules and implementations. */
  exact(domain: string, opType: string, since: number): OpVersion | undefined {
    return this.byOp.get(key(domain, opType))?.find((v) => v.since === since);
  }

  /** `version` and the op's earlier versions, newest first. */
  history(version: OpVersion): OpVersion[] {
    return (this.byOp.get(key(version.domain, version.opType)) ?? []).filter((v) => v.since <= version.since).reverse();
  }

  /** Every op with its versions, oldest first. */
  ops(): { readonly domain: string; readonly opType: string; readonly versions: readonly OpVersion[] }[] {
    return [...this.byOp.values()].map((versions) => ({ domain: versions[0]!.domain, opType: versions[0]!.opType, versions }));
  }
}

/** What attaches to a version: names it by (domain, opType, since). */
export interface Attachable {
  readonly domain?: string;
  readonly opType: string;
  readonly since: number;
}

/**
 * Binds each item to the version it names exactly. Items naming no version,
 * or a version already taken, are listed together in one error: a shape rule
 * or implementation that attaches nowhere would silently never run.
 */
export function attach<T extends Attachable>(table: OpTable, items: readonly T[], what: string): ReadonlyMap<OpVersion, T> {
  const bound = new Map<OpVersion, T>();
  const problems: string[] = [];
  for (const item of items) {
    const name = `${normalizeDomain(item.domain) || "ai.onnx"} ${item.opType} since ${item.since}`;
    const version = table.exact(item.domain ?? "", item.opType, item.since);
    if (version === undefined) problems.push(`${name} matches no version in src/graph/ops/`);
    else if (bound.has(version)) problems.push(`${name} is listed twice`);
    else bound.set(version, item);
  }
  if (problems.length > 0) throw new Error(`${what}: ${problems.length} entr${problems.length > 1 ? "ies" : "y"} attach to no op version:\n  ${problems.join("\n  ")}`);
  return bound;
}
