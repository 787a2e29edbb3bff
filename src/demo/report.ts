// report.html: one standalone page (plotly.js inlined, nothing fetched) with
// the comparison table and the demo's plots: per-epoch training curves of
// every model (a continued model's curve goes on from its parent's last
// epoch) and the accuracy, size and latency after each step.
import { writeFile, rename } from "node:fs/promises";
import type { ComparisonRow } from "../model/compare.js";
import { plot } from "../display/plot.js";
import { figureDivHtml } from "../display/plotly.js";
import { plotlyLibraryScript } from "../display/plotly-source.js";
import { table, tableHtml } from "../display/table.js";
import { escapeHtml } from "../display/bundle.js";
import type { EpochRecord } from "../train/options.js";
import type { ModelSizes } from "./sizes.js";

/** One model's row: compare()'s figures and its sizes on disk. */
export type DemoRow = ComparisonRow & ModelSizes;

export interface ReportInput {
  readonly title: string;
  readonly rows: readonly DemoRow[];
  /** Per model, its epochs across all its training steps, in order, numbered on from `start`. */
  readonly curves: ReadonlyMap<string, { readonly start: number; readonly epochs: readonly EpochRecord[] }>;
  /** Recipes, shown so the page says how each model was made. */
  readonly recipes: ReadonlyMap<string, unknown>;
  readonly notes: readonly string[];
}

const kib = (bytes: number) => Math.round(bytes / 1024);

export function comparisonTable(rows: readonly DemoRow[]) {
  return table(
    rows.map((r) => ({
      model: r.model,
      "accuracy %": Number((r.accuracy * 100).toFixed(2)),
      params: r.params,
      "non-zero weights": r.nonZeroWeights,
      "file KiB": kib(r.fileBytes),
      "gzip KiB": kib(r.gzipBytes),
      "latency ms (ort, batch 1)": Number(r.latencyMs.toFixed(3)),
    })),
    { title: "comparison on the test split" },
  );
}

function curve(curves: ReportInput["curves"], pick: (e: EpochRecord) => number | undefined) {
  return [...curves].map(([name, { start, epochs }]) => ({
    name,
    x: epochs.map((_, i) => start + i + 1),
    y: epochs.map((e) => pick(e) ?? Number.NaN),
  }));
}

export function reportHtml(input: ReportInput): string {
  const names = input.rows.map((r) => r.model);
  const figures = [
    plot.line(curve(input.curves, (e) => e.validationAccuracy), { title: "test accuracy per epoch", xaxis: "epoch", yaxis: "accuracy" }),
    plot.line(curve(input.curves, (e) => e.loss), { title: "training loss per epoch", xaxis: "epoch", yaxis: "loss" }),
    plot.bar({ x: names, y: input.rows.map((r) => r.accuracy * 100), name: "accuracy %" }, { title: "test accuracy (%)" }),
    plot.bar(
      [
        { x: names, y: input.rows.map((r) => kib(r.fileBytes)), name: ".onnx file" },
        { x: names, y: input.rows.map((r) => kib(r.gzipBytes)), name: "gzipped" },
      ],
      { title: "model size (KiB)" },
    ),
    plot.bar({ x: names, y: input.rows.map((r) => r.latencyMs), name: "ms" }, { title: "onnxruntime latency, batch 1 (ms)" }),
  ];
  const recipes = [...input.recipes].map(([name, recipe]) => `<h3>${escapeHtml(name)}</h3><pre>${escapeHtml(JSON.stringify(recipe, null, 2))}</pre>`);
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}pre{background:#f6f6f6;padding:8px;overflow:auto}</style>
<script type="text/javascript">
${plotlyLibraryScript()}
</script></head>
<body>
<h1>${escapeHtml(input.title)}</h1>
${input.notes.map((n) => `<p>${escapeHtml(n)}</p>`).join("\n")}
${tableHtml(comparisonTable(input.rows))}
${figures.map((f) => figureDivHtml(f.figure, { source: { mode: "wait" } })).join("\n")}
<h2>Recipes</h2>
${recipes.join("\n")}
</body></html>
`;
}

/** Written beside its final path and renamed, so a reader never sees half a page. */
export async function writeReport(path: string, html: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, html);
  await rename(temporary, path);
}
