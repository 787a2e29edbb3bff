// Building the pruned graph: every dependency's initializer loses the indices
// of removed units along its axis, every forced rewrite runs (Reshape targets,
// Slice bounds, Split sizes, a depthwise Conv's group), and what no output
// needs any more (the Shape chains that computed old targets) is dropped.
// Pruning masks (from prune.magnitude) are cut the same way.
import { GraphEdit } from "../../../graph/edit.js";
import type { Graph } from "../../../graph/types.js";
import type { WeightMasks } from "../../../model/sparsity.js";
import type { Analysis } from "./analyze.js";
import { keepAlong, keepMaskAlong } from "./slice.js";
import type { Dependency, KeptResolver, Positions, UnitId } from "./types.js";

export function cutChannels(analysis: Analysis, removed: ReadonlySet<UnitId>, masks: WeightMasks): { graph: Graph; masks: WeightMasks } {
  const { units } = analysis;
  const resolver: KeptResolver = {
    kept(positions: Positions) {
      const out: number[] = [];
      for (let i = 0; i < positions.length; i++) if (!removed.has(units.find(positions[i]!))) out.push(i);
      return out;
    },
  };
  // One cut per initializer and axis (shared cuts were coupled, so any of their mappings will do).
  const cuts = new Map<string, Map<number, Dependency>>();
  for (const d of analysis.dependencies) {
    const axes = cuts.get(d.handler.initializer) ?? new Map<number, Dependency>();
    if (!axes.has(d.handler.axis)) axes.set(d.handler.axis, d);
    cuts.set(d.handler.initializer, axes);
  }
  const edit = new GraphEdit(analysis.graph);
  const nextMasks = new Map(masks);
  for (const [name, axes] of cuts) {
    let tensor = analysis.graph.initializers.get(name)!;
    let mask = masks.get(name);
    let changed = false;
    for (const [axis, d] of axes) {
      const kept = resolver.kept(d.indexMapping);
      if (kept.length === d.indexMapping.length) continue;
      if (mask) mask = keepMaskAlong(mask, tensor.dims, axis, kept);
      tensor = keepAlong(tensor, axis, kept);
      changed = true;
    }
    if (!changed) continue;
    edit.setInitializer(name, tensor);
    if (mask) nextMasks.set(name, mask);
  }
  for (const { change } of analysis.rewrites) change(resolver, edit);
  const graph = edit.finish({ pruneUnused: true, clearValueInfo: true });
  // finish() forgets the declared shapes downstream of edits, the outputs' too. Channels
  // reaching an output are pinned, so its shape is the original's (checkPruned runs it).
  const declared = new Map(analysis.graph.outputs.map((o) => [o.name, o]));
  const outputs = graph.outputs.map((o) => (o.shape === undefined && declared.get(o.name)?.shape ? { ...o, shape: declared.get(o.name)!.shape } : o));
  return { graph: Object.freeze({ ...graph, outputs: Object.freeze(outputs) }), masks: nextMasks };
}
