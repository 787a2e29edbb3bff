// The op table: entries keyed by domain and op type, each list sorted by
// `since`. Opset versions are data: for a model at opset N the newest entry
// with since ≤ N implements the op.
import { UnsupportedOpError } from "../../core/errors.js";
import type { Graph } from "../../graph/types.js";
import type { OpEntry } from "./ops/types.js";

/** ai.onnx is written "" in graphs; both spellings mean the default domain. */
export function normalizeDomain(domain: string | undefined): string {
  return domain === undefined || domain === "ai.onnx" ? "" : domain;
}

export class OpRegistry {
  private readonly byKey = new Map<string, OpEntry[]>();

  constructor(entries: readonly OpEntry[]) {
    for (const e of entries) {
      const key = OpRegistry.key(normalizeDomain(e.domain), e.opType);
      const list = this.byKey.get(key) ?? [];
      if (list.some((x) => x.since === e.since)) {
        throw new Error(`op table lists ${key} since ${e.since} twice (ops/index.ts)`);
      }
      list.push(e);
      list.sort((a, b) => a.since - b.since);
      this.byKey.set(key, list);
    }
  }

  private static key(domain: string, opType: string): string {
    return `${domain}::${opType}`;
  }

  /** The entry for `opType` at `opset`, or undefined when none applies. */
  resolve(opType: string, domain: string, opset: number): OpEntry | undefined {
    const list = this.byKey.get(OpRegistry.key(normalizeDomain(domain), opType));
    if (!list) return undefined;
    let found: OpEntry | undefined;
    for (const e of list) if (e.since <= opset) found = e;
    return found;
  }

  /** Every (domain, op type) the table knows, for listings and coverage reports. */
  opTypes(): string[] {
    return [...this.byKey.keys()].map((k) => k.replace(/^::/, "")).sort();
  }

  /**
   * Resolves every node of `graph` or throws one UnsupportedOpError listing
   * every op that has no entry at the graph's opset, with all its nodes.
   */
  resolveGraph(graph: Graph): OpEntry[] {
    const missing = new Map<string, { op: string; domain: string; opset: number; nodes: string[] }>();
    const entries: OpEntry[] = [];
    for (const node of graph.nodes) {
      const domain = normalizeDomain(node.domain);
      const opset = opsetFor(graph, domain);
      const entry = this.resolve(node.opType, domain, opset);
      if (entry) {
        entries.push(entry);
        continue;
      }
      const key = `${domain}::${node.opType}`;
      const m = missing.get(key) ?? { op: node.opType, domain, opset, nodes: [] };
      m.nodes.push(node.name);
      missing.set(key, m);
    }
    if (missing.size > 0) {
      throw new UnsupportedOpError([...missing.values()], `graph "${graph.name}" on the tfjs runtime`);
    }
    return entries;
  }
}

/** The opset a graph declares for `domain` ("" is ai.onnx). */
export function opsetFor(graph: Graph, domain: string): number {
  const d = normalizeDomain(domain);
  return d === "" ? (graph.opsets[""] ?? graph.opsets["ai.onnx"] ?? 0) : (graph.opsets[d] ?? 0);
}
