// The report of a channel cut: per layer (every weight a cut touched), its
// weight shape before and after and the fraction of its parameters removed;
// per dependency group, its channels before and after and what it did; and
// the figures and totals the unstructured report also shows.
import type { Graph } from "../../graph/types.js";
import { table, type Table } from "../../display/table.js";
import type { Displayable } from "../../display/mime.js";
import type { Metrics } from "../../model/step.js";
import type { Analysis } from "./dependency/analyze.js";
import type { KeptResolver, UnitId } from "./dependency/types.js";
import type { GroupOutcome } from "./plan.js";
import { layerTable, magnitudeHistogram, sparsityChart, totals, weightValues, type LatencyOption, type LayerRow } from "./report.js";

/** One row per layer whose weights the cut touched (the layer is the dependency's trigger for out-cuts). */
export function channelRows(analysis: Analysis, after: Graph): LayerRow[] {
  const seen = new Set<string>();
  const rows: LayerRow[] = [];
  const opOf = new Map(analysis.graph.nodes.map((n) => [n.name, n.opType]));
  for (const d of analysis.dependencies) {
    if (d.handler.role === "param" || seen.has(d.handler.initializer)) continue;
    const before = analysis.graph.initializers.get(d.handler.initializer)!;
    if (before.dims.length < 2) continue; // biases go with their layer's row
    seen.add(d.handler.initializer);
    const next = after.initializers.get(d.handler.initializer) ?? before;
    const [a, b] = [before.data.length, next.data.length];
    rows.push({ layer: d.trigger.node, op: opOf.get(d.trigger.node) ?? "", weight: d.handler.initializer, before: before.dims, after: next.dims, sparsity: 1 - b / a, paramsBefore: a, paramsAfter: b });
  }
  return rows;
}

function groupTable(outcomes: readonly GroupOutcome[], analysis: Analysis, kept: KeptResolver, removed: ReadonlySet<UnitId>): Table {
  return table(
    outcomes.map((o) => {
      const layer = o.group.dependencies.find((d) => d.handler.role === "out" && d.trigger.node === o.group.name)!;
      return {
        group: o.group.name,
        layers: o.group.sources.length,
        "channels before": layer.indexMapping.length,
        "channels after": kept.kept(layer.indexMapping).length,
        units: o.group.units.length,
        removed: o.group.units.filter((u) => removed.has(u)).length,
        ratio: o.ratio,
        status: o.status,
      };
    }),
    {
      title: `prune.channels: ${outcomes.length} dependency groups`,
      footer: `${outcomes.filter((o) => o.removed > 0).length} pruned · ${outcomes.filter((o) => o.status.startsWith("kept")).length} kept whole because they cannot be cut (see status) · ${analysis.units.count} channel units`,
    },
  );
}

export async function channelReport(
  before: Graph,
  analysis: Analysis,
  after: Graph,
  outcomes: readonly GroupOutcome[],
  removed: ReadonlySet<UnitId>,
  latency: LatencyOption,
): Promise<{ metrics: Metrics; figures: Displayable[] }> {
  const rows = channelRows(analysis, after);
  const names = rows.map((r) => r.weight);
  const metrics = await totals(before, after, { before: names, after: names }, latency);
  const kept: KeptResolver = {
    kept: (positions) => [...positions.keys()].filter((i) => !removed.has(analysis.units.find(positions[i]!))),
  };
  const figures = [
    layerTable(rows, `prune.channels: ${rows.length} layers`),
    groupTable(outcomes, analysis, kept, removed),
    sparsityChart(rows, "prune.channels: parameters removed per layer"),
    magnitudeHistogram(weightValues(analysis.graph, names), weightValues(after, names), "prune.channels: |weight| of the layers before and after"),
  ];
  const groupsPruned = outcomes.filter((o) => o.removed > 0).length;
  const unprunable = outcomes.filter((o) => o.status.startsWith("kept")).map((o) => o.group.name);
  return {
    metrics: {
      "groups pruned": groupsPruned,
      "groups kept whole": unprunable.length,
      ...(unprunable.length ? { "kept whole (cannot be cut)": unprunable.slice(0, 8).join(", ") + (unprunable.length > 8 ? ", …" : "") } : {}),
      ...metrics,
    },
    figures,
  };
}
