// compare([teacher, student], data): accuracy, size and onnxruntime latency of
// several models side by side, as a table and a bar chart.
import { OptionError } from "../core/errors.js";
import type { Model } from "./model.js";
import { evaluate } from "./evaluate.js";
import { summarize } from "../graph/counts.js";
import { randomInputs } from "../runtime/random-inputs.js";
import { table } from "../display/table.js";
import { plot } from "../display/plot.js";
import { toMimeBundle } from "../display/bundle.js";
import { JUPYTER_DISPLAY, type MimeBundle } from "../display/mime.js";
import { humanBytes } from "../display/summary.js";

export interface ComparisonRow {
  readonly model: string;
  readonly accuracy: number;
  readonly loss: number;
  readonly params: number;
  readonly bytes: number;
  /** Median onnxruntime latency of one batch-1 inference, milliseconds. */
  readonly latencyMs: number;
}

export interface Comparison {
  readonly rows: readonly ComparisonRow[];
  [JUPYTER_DISPLAY](): MimeBundle;
}

/** Median latency over `runs` after `warmup` runs: one sample, onnxruntime, as deployed. */
export async function ortLatencyMs(model: Model, options: { runs?: number; warmup?: number; batch?: number } = {}): Promise<number> {
  const { createOrtSession } = await import("../runtime/ort.js");
  const session = await createOrtSession(model.graph);
  const feeds = randomInputs(model.graph, { seed: 0, batch: options.batch ?? 1 });
  for (let i = 0; i < (options.warmup ?? 5); i++) await session.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < (options.runs ?? 50); i++) {
    const t0 = performance.now();
    await session.run(feeds);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export async function compare(
  modelsToCompare: readonly Model[],
  data: unknown,
  options: { names?: readonly string[]; batchSize?: number } = {},
): Promise<Comparison> {
  if (!Array.isArray(modelsToCompare) || modelsToCompare.length === 0) {
    throw new OptionError("compare() takes a non-empty array of models, e.g. compare([teacher, student], mnist.test)");
  }
  const names = options.names ?? modelsToCompare.map((m) => m.name);
  const rows: ComparisonRow[] = [];
  for (const [i, model] of modelsToCompare.entries()) {
    const report = await evaluate(model, data, { batchSize: options.batchSize ?? 500 });
    const summary = summarize(model.graph);
    rows.push({
      model: names[i] ?? model.name,
      accuracy: report.accuracy,
      loss: report.loss,
      params: summary.params,
      bytes: summary.bytes,
      latencyMs: await ortLatencyMs(model),
    });
  }
  return { rows, [JUPYTER_DISPLAY]: () => comparisonBundle(rows) };
}

function comparisonBundle(rows: readonly ComparisonRow[]): MimeBundle {
  const t = table(
    rows.map((r) => ({
      model: r.model,
      "accuracy %": Number((r.accuracy * 100).toFixed(2)),
      loss: Number(r.loss.toFixed(4)),
      params: r.params,
      size: humanBytes(r.bytes),
      "latency ms (ort, batch 1)": Number(r.latencyMs.toFixed(3)),
    })),
    { title: "comparison" },
  );
  const tableBundle = toMimeBundle(t);
  const figure = toMimeBundle(
    plot.bar({ x: rows.map((r) => r.model), y: rows.map((r) => r.accuracy * 100), name: "accuracy %" }, { title: "accuracy (%)", yaxis: "%" }),
  );
  return {
    ...figure,
    "text/plain": String(tableBundle["text/plain"]),
    "text/html": `${String(tableBundle["text/html"] ?? "")}${String(figure["text/html"] ?? "")}`,
  };
}
