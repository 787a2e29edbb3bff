// The tfjs runtime's implementations, attached to the shared op table
// (src/graph/ops/). A node runs with the implementation of the version the
// table resolves for it (the newest at or below the opset its graph declares
// for the node's domain); a version without an implementation is unsupported.
import { UnsupportedOpError } from "../../core/errors.js";
import { OP_TABLE, attach, normalizeDomain, type OpTable, type OpVersion } from "../../graph/ops/index.js";
import type { Graph } from "../../graph/types.js";
import type { OpEntry } from "./ops/types.js";

export class OpRegistry {
  private readonly byVersion: ReadonlyMap<OpVersion, OpEntry>;

  constructor(
    entries: readonly OpEntry[],
    private readonly table: OpTable = OP_TABLE,
  ) {
    this.byVersion = attach(table, entries, "tfjs ops (runtime/tfjs/ops/index.ts)");
    const strays = [...this.byVersion].filter(([version, entry]) => entry.version !== version);
    if (strays.length > 0) {
      throw new Error(`tfjs ops implement versions not listed in src/graph/ops/index.ts: ${strays.map(([v]) => `${v.opType} since ${v.since}`).join(", ")}`);
    }
  }

  /** The entry for `opType` at `opset`, or undefined when none applies. */
  resolve(opType: string, domain: string, opset: number): OpEntry | undefined {
    const version = this.table.lookup(domain, opType, opset);
    return version && this.byVersion.get(version);
  }

  /** The implementation attached to exactly `version`. */
  implementation(version: OpVersion): OpEntry | undefined {
    return this.byVersion.get(version);
  }

  /** Every (domain, op type) with an implementation, for listings and coverage reports. */
  opTypes(): string[] {
    return [...new Set([...this.byVersion.keys()].map((v) => (v.domain ? `${v.domain}::${v.opType}` : v.opType)))].sort();
  }

  /**
   * Resolves every node of `graph` or throws one UnsupportedOpError listing
   * every op that has no implementation at the graph's opset, with all its nodes.
   */
  resolveGraph(graph: Graph): OpEntry[] {
    const missing = new Map<string, { op: string; domain: string; opset: number; nodes: string[] }>();
    const entries: OpEntry[] = [];
    for (const node of graph.nodes) {
      const { version, opset } = this.table.forNode(graph, node);
      const entry = version && this.byVersion.get(version);
      if (entry) {
        entries.push(entry);
        continue;
      }
      const domain = normalizeDomain(node.domain);
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
