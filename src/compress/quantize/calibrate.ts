// Runs the float model on the calibration data in onnxruntime, fetching every
// activation to be quantized, and turns what the observers saw into ranges.
// minmax is one pass; percentile and entropy fill histograms in a second pass
// over the range the first found. Batches are sized so that the fetched
// activations stay near 128 MB.
import type { Graph } from "../../graph/types.js";
import { createOrtSession } from "../../runtime/ort.js";
import { calibrationBatches, type CalibrationSet } from "./calibration-data.js";
import { HistogramObserver, MinMaxObserver, entropyRange, percentileRange, type CalibrationMethod } from "./observers/index.js";

export interface ObservedRange {
  /** Smallest and largest value seen. */
  readonly observed: readonly [number, number];
  /** The range the grid covers (the method's choice, within `observed`). */
  readonly range: readonly [number, number];
}

const FETCH_BUDGET = 32 * 1024 * 1024; // float values per batch

function perSampleValues(graph: Graph, names: readonly string[]): number {
  let total = 0;
  for (const name of names) {
    const shape = graph.valueInfo.get(name)?.shape ?? graph.inputs.find((i) => i.name === name)?.shape;
    total += (shape ?? []).slice(1).reduce<number>((n, d) => n * (typeof d === "number" ? d : 1), 1);
  }
  return Math.max(1, total);
}

export async function calibrate(
  graph: Graph,
  tensors: readonly string[],
  set: CalibrationSet,
  method: CalibrationMethod,
  percentile?: number,
): Promise<Map<string, ObservedRange>> {
  const session = await createOrtSession(graph);
  const batch = Math.max(1, Math.min(64, Math.floor(FETCH_BUDGET / perSampleValues(graph, tensors))));
  const fetch = [...tensors];
  const inputs = new Set(graph.inputs.map((i) => i.name));
  const run = async (feeds: Record<string, import("../../graph/types.js").Tensor>) => {
    const computed = fetch.filter((n) => !inputs.has(n));
    const out = computed.length > 0 ? await session.run(feeds, { outputs: computed }) : {};
    for (const name of fetch) if (inputs.has(name)) out[name] = feeds[name]!;
    return out;
  };
  const minmax = new Map(tensors.map((t) => [t, new MinMaxObserver()]));
  for (const feeds of calibrationBatches(set, batch)) {
    const out = await run(feeds);
    for (const [name, observer] of minmax) observer.observe(out[name]!.data as Float32Array);
  }
  const result = new Map<string, ObservedRange>();
  if (method === "minmax") {
    for (const [name, o] of minmax) result.set(name, { observed: o.range(), range: o.range() });
    return result;
  }
  const histograms = new Map(tensors.map((t) => [t, new HistogramObserver(...minmax.get(t)!.range())]));
  for (const feeds of calibrationBatches(set, batch)) {
    const out = await run(feeds);
    for (const [name, h] of histograms) h.observe(out[name]!.data as Float32Array);
  }
  for (const [name, h] of histograms) {
    const range = method === "percentile" ? percentileRange(h, percentile) : entropyRange(h);
    result.set(name, { observed: minmax.get(name)!.range(), range });
  }
  return result;
}
