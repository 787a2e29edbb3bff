// Dependency groups: the units ranked and cut together. Units that one layer
// produces belong to one group, and layers whose channels are coupled (a
// residual stage, a depthwise conv and the conv before it) share it; a
// Concat's consumer touches several groups, each mapping its own indices.
import type { Analysis } from "./analyze.js";
import type { Dependency, UnitId } from "./types.js";

export interface ChannelGroup {
  readonly id: number;
  /** The first layer (in graph order) whose output channels are in the group. */
  readonly name: string;
  /** Every layer whose output channels are in the group. */
  readonly sources: readonly string[];
  /** Unit roots, in order of first appearance. */
  readonly units: readonly UnitId[];
  /** Every dependency that cuts some of the group's units. */
  readonly dependencies: readonly Dependency[];
  /** Why units must stay (an empty list: the unit may go). */
  readonly pins: ReadonlyMap<UnitId, readonly string[]>;
}

export function channelGroups(analysis: Analysis): ChannelGroup[] {
  const { units } = analysis;
  // Link the units of each layer's output into one set (a second union-find over roots).
  const parent = new Map<UnitId, UnitId>();
  const find = (u: UnitId): UnitId => {
    let r = u;
    while (parent.get(r) !== r) r = parent.get(r)!;
    return r;
  };
  const add = (u: UnitId) => {
    if (!parent.has(u)) parent.set(u, u);
  };
  for (const d of analysis.dependencies) {
    if (d.handler.role !== "out") continue;
    const roots = units.roots(d.indexMapping);
    roots.forEach(add);
    for (const r of roots.slice(1)) {
      const [a, b] = [find(roots[0]!), find(r)];
      if (a !== b) parent.set(b, a);
    }
  }
  const members = new Map<UnitId, UnitId[]>();
  for (const u of parent.keys()) {
    const g = find(u);
    members.set(g, [...(members.get(g) ?? []), u]);
  }
  const groupOf = new Map<UnitId, UnitId>();
  for (const [g, list] of members) for (const u of list) groupOf.set(u, g);
  const deps = new Map<UnitId, Dependency[]>();
  const sources = new Map<UnitId, string[]>();
  for (const d of analysis.dependencies) {
    const touched = new Set(units.roots(d.indexMapping).map((u) => groupOf.get(u)).filter((g): g is UnitId => g !== undefined));
    for (const g of touched) {
      deps.set(g, [...(deps.get(g) ?? []), d]);
      if (d.handler.role === "out" && !sources.get(g)?.includes(d.trigger.node)) sources.set(g, [...(sources.get(g) ?? []), d.trigger.node]);
    }
  }
  const order = new Map(analysis.graph.nodes.map((n, i) => [n.name, i]));
  const groups = [...members.entries()].map(([g, list]) => {
    const names = (sources.get(g) ?? []).sort((a, b) => order.get(a)! - order.get(b)!);
    const pins = new Map(list.map((u) => [u, units.pinsOf(u)] as const));
    return { root: g, names, list, pins };
  });
  groups.sort((a, b) => order.get(a.names[0]!)! - order.get(b.names[0]!)!);
  return groups.map(({ root, names, list, pins }, id) => ({ id, name: names[0]!, sources: names, units: list, dependencies: deps.get(root) ?? [], pins }));
}

/** The distinct reasons a group's units must stay. */
export function pinReasons(group: ChannelGroup): string[] {
  return [...new Set([...group.pins.values()].flat())];
}

/** Units of a group that may go. */
export function freeUnits(group: ChannelGroup): UnitId[] {
  return group.units.filter((u) => (group.pins.get(u) ?? []).length === 0);
}
