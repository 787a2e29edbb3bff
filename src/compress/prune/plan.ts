// Which units go: each group loses ⌊ratio × units⌋ of its least important
// free units, never leaving a layer with fewer than minChannels channels (the
// over-pruning guard). Groups the user named (perLayer) must be prunable as
// asked, or the plan fails naming what stops it; the others are left whole
// when they cannot be cut, and the report says why.
import { GraphError, OptionError } from "../../core/errors.js";
import type { Graph } from "../../graph/types.js";
import { freeUnits, pinReasons, type ChannelGroup } from "./dependency/groups.js";
import type { Units } from "./dependency/units.js";
import type { Dependency, UnitId } from "./dependency/types.js";

export interface PlanOptions {
  readonly ratio?: number;
  readonly perLayer?: Readonly<Record<string, number>>;
  readonly exclude?: readonly string[];
  readonly minChannels: number;
}

export interface GroupOutcome {
  readonly group: ChannelGroup;
  /** The ratio asked for this group (0 when left alone). */
  readonly ratio: number;
  readonly removed: number;
  /** Named in perLayer. */
  readonly explicit: boolean;
  /** "pruned", or why the group kept more (or all) of its units. */
  readonly status: string;
}

export interface Plan {
  readonly removed: ReadonlySet<UnitId>;
  readonly outcomes: readonly GroupOutcome[];
}

/** Each group's ratio from `ratio`, `perLayer` and `exclude`, with every bad perLayer entry in one OptionError. */
function groupRatios(groups: readonly ChannelGroup[], options: PlanOptions, graph: Graph): Map<ChannelGroup, { ratio: number; explicit: boolean; note?: string }> {
  const bySource = new Map<string, ChannelGroup>();
  for (const g of groups) for (const s of g.sources) bySource.set(s, g);
  const problems: string[] = [];
  const explicit = new Map<ChannelGroup, { ratio: number; key: string }>();
  for (const [key, ratio] of Object.entries(options.perLayer ?? {})) {
    const group = bySource.get(key);
    if (!group) {
      const node = graph.nodes.find((n) => n.name === key);
      problems.push(node ? `perLayer["${key}"]: node "${key}" (${node.opType}) does not produce prunable channels; name a Conv, Gemm or MatMul layer` : `perLayer["${key}"]: graph "${graph.name}" has no node "${key}"`);
      continue;
    }
    const earlier = explicit.get(group);
    if (earlier && earlier.ratio !== ratio) {
      problems.push(`perLayer["${key}"] = ${ratio} and perLayer["${earlier.key}"] = ${earlier.ratio} name coupled layers (one dependency group, led by "${group.name}"): give them one ratio`);
    }
    explicit.set(group, { ratio, key });
  }
  if (problems.length > 0) {
    const layers = groups.flatMap((g) => g.sources).slice(0, 6).map((s) => `"${s}"`).join(", ");
    throw new OptionError(`prune.channels: ${problems.join("; ")}. Layers here: ${layers}${groups.length > 6 ? ", …" : ""}`, { details: { problems } });
  }
  const excluded = (g: ChannelGroup) => {
    const hit = g.sources.find((s) => options.exclude?.some((e) => e === s || e === graph.nodes.find((n) => n.name === s)?.opType));
    return hit;
  };
  const out = new Map<ChannelGroup, { ratio: number; explicit: boolean; note?: string }>();
  for (const g of groups) {
    const named = explicit.get(g);
    if (named) out.set(g, { ratio: named.ratio, explicit: true });
    else if (excluded(g)) out.set(g, { ratio: 0, explicit: false, note: `excluded ("${excluded(g)}")` });
    else out.set(g, { ratio: options.ratio ?? 0, explicit: false });
  }
  return out;
}

/**
 * The over-pruning guard: every cut axis (a layer's outputs, a consumer's
 * inputs — one per attention head split, per Concat part) keeps at least
 * min(minChannels, its size) indices, counted across all groups.
 */
class ChannelFloor {
  private readonly counts: number[] = [];
  private readonly floors: number[] = [];
  private readonly byUnit = new Map<UnitId, [cut: number, indices: number][]>();

  constructor(dependencies: readonly Dependency[], units: Units, minChannels: number) {
    const seen = new Set<string>();
    for (const d of dependencies) {
      const key = `${d.handler.initializer}\u0000${d.handler.axis}`;
      if (d.handler.role === "param" || seen.has(key)) continue;
      seen.add(key);
      const cut = this.counts.length;
      this.counts.push(d.indexMapping.length);
      this.floors.push(Math.min(minChannels, d.indexMapping.length));
      const per = new Map<UnitId, number>();
      for (const p of d.indexMapping) {
        const u = units.find(p);
        per.set(u, (per.get(u) ?? 0) + 1);
      }
      for (const [u, n] of per) this.byUnit.set(u, [...(this.byUnit.get(u) ?? []), [cut, n]]);
    }
  }

  /** Removes the unit unless that would take some axis below its floor. */
  take(u: UnitId): boolean {
    const hits = this.byUnit.get(u) ?? [];
    if (hits.some(([cut, n]) => this.counts[cut]! - n < this.floors[cut]!)) return false;
    for (const [cut, n] of hits) this.counts[cut]! -= n;
    return true;
  }
}

export function planCut(groups: readonly ChannelGroup[], units: Units, scores: ReadonlyMap<UnitId, number>, options: PlanOptions, graph: Graph, scoreName: string): Plan {
  const ratios = groupRatios(groups, options, graph);
  const floor = new ChannelFloor([...new Set(groups.flatMap((g) => g.dependencies))], units, options.minChannels);
  const removed = new Set<UnitId>();
  const outcomes: GroupOutcome[] = [];
  const problems: string[] = [];
  for (const group of groups) {
    const { ratio, explicit, note } = ratios.get(group)!;
    const done = (n: number, status: string) => outcomes.push({ group, ratio, removed: n, explicit, status });
    if (ratio === 0) {
      done(0, note ?? "not asked");
      continue;
    }
    const free = freeUnits(group);
    const pinned = group.units.length - free.length;
    if (free.length === 0) {
      const why = pinReasons(group);
      if (explicit) problems.push(`layer "${group.name}" cannot be pruned: ${why.join("; ")}`);
      done(0, `kept: ${why.slice(0, 2).join("; ")}${why.length > 2 ? ` (+${why.length - 2} more)` : ""}`);
      continue;
    }
    const scored = free.filter((u) => scores.has(u));
    if (scored.length === 0) {
      if (explicit) problems.push(`layer "${group.name}" has no ${scoreName} to rank its channels by`);
      done(0, `kept: no ${scoreName} for these channels`);
      continue;
    }
    const target = Math.floor(ratio * group.units.length + 1e-9);
    const order = scored.sort((a, b) => scores.get(a)! - scores.get(b)! || a - b);
    let cut = 0;
    let limited = false;
    for (const u of order) {
      if (cut >= target) break;
      if (!floor.take(u)) {
        limited = true;
        continue;
      }
      removed.add(u);
      cut++;
    }
    if (explicit && cut < target) {
      problems.push(
        `ratio ${ratio} for layer "${group.name}" asks for ${target} of its ${group.units.length} channel units, but only ${cut} can go ` +
          `without leaving a layer below minChannels (${options.minChannels}); lower the ratio or minChannels`,
      );
    }
    const parts = [cut === target ? "pruned" : limited ? `pruned ${cut} of ${target} asked (minChannels ${options.minChannels})` : `pruned ${cut} of ${target} asked`];
    if (pinned > 0) parts.push(`${pinned} units kept: ${pinReasons(group)[0]}`);
    done(cut, parts.join("; "));
  }
  if (problems.length > 0) {
    throw new GraphError(`prune.channels: ${problems.length} layer${problems.length > 1 ? "s" : ""} cannot be pruned as asked:\n  ${problems.join("\n  ")}`, { details: { problems } });
  }
  return { removed, outcomes };
}
