// "activation" importance — the model cutting of the project's brief: how
// much each channel actually carries on real data. onnxruntime runs the
// graph on a batch with every activation site (what weighted layers read,
// else what layers write) as an extra output, and each unit scores
//   mean-abs: mean |activation| over samples, positions and its channels;
//   apoz:     1 − the average percentage of zeros (Hu et al. 2016, "Network
//             Trimming"): channels a ReLU mostly silences go first.
import type { Dataset } from "../../../data/dataset.js";
import { withOutputs } from "../../../graph/extract.js";
import { createOrtSession } from "../../../runtime/ort.js";
import type { Analysis } from "../dependency/analyze.js";
import type { ActivationSite, UnitId } from "../dependency/types.js";
import { indexSums } from "./sums.js";

export const ACTIVATION_STATISTICS = ["mean-abs", "apoz"] as const;
export type ActivationStatistic = (typeof ACTIVATION_STATISTICS)[number];

const BATCH = 16;

export async function activationScores(analysis: Analysis, data: Dataset, samples: number, statistic: ActivationStatistic): Promise<Map<UnitId, number>> {
  const { units } = analysis;
  // Per unit, read the sites where weighted layers consume it when there are any.
  const consumed = new Set<UnitId>();
  for (const s of analysis.sites) if (s.kind === "input") for (const p of s.positions) consumed.add(units.find(p));
  const sites = analysis.sites;
  const names = [...new Set(sites.map((s) => s.value))];
  const graph = withOutputs(analysis.graph, names);
  const session = await createOrtSession(graph);
  const input = graph.inputs[0]!.name;
  const sums = new Map<ActivationSite, Float64Array>();
  const counts = new Map<ActivationSite, number>();
  for (const batch of data.take(samples).batches(BATCH, { epoch: 0 })) {
    const outputs = await session.run({ [input]: batch.x }, { outputs: names });
    for (const site of sites) {
      const t = outputs[site.value]!;
      const values = t.data as Float32Array;
      const perIndex = statistic === "apoz" ? indexSums(values, t.dims, site.axis, (v) => (v === 0 ? 1 : 0)) : indexSums(values, t.dims, site.axis, Math.abs);
      const acc = sums.get(site) ?? new Float64Array(perIndex.length);
      for (let i = 0; i < perIndex.length; i++) acc[i]! += perIndex[i]!;
      sums.set(site, acc);
      counts.set(site, (counts.get(site) ?? 0) + values.length / t.dims[site.axis]!);
    }
  }
  const total = new Map<UnitId, number>();
  const n = new Map<UnitId, number>();
  for (const site of sites) {
    const acc = sums.get(site);
    if (!acc) continue;
    const per = counts.get(site)!;
    site.positions.forEach((p, i) => {
      const u = units.find(p);
      if (site.kind === "output" && consumed.has(u)) return;
      total.set(u, (total.get(u) ?? 0) + acc[i]! / per);
      n.set(u, (n.get(u) ?? 0) + 1);
    });
  }
  const scores = new Map<UnitId, number>();
  for (const [u, s] of total) scores.set(u, statistic === "apoz" ? 1 - s / n.get(u)! : s / n.get(u)!);
  return scores;
}
