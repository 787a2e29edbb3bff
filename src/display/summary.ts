// Model summaries: the layer table a Model shows when it is the last expression
// of a cell, with totals (parameters, MACs, bytes) and the op histogram.
import { JUPYTER_DISPLAY, type MimeBundle } from "./mime.js";
import { formatCell, table, tableHtml, tableText } from "./table.js";
import { escapeHtml } from "./bundle.js";
import type { GraphSummary } from "../graph/counts.js";

// The fields of GraphSummary (src/graph/counts.ts) that the table shows; any
// object with them works (reports, hand-made summaries).
export interface SummaryLayer {
  readonly name: string;
  readonly opType: string;
  readonly params: number;
  readonly macs: number;
  readonly outputShape?: readonly (number | string | null)[] | null;
}
export interface SummaryValue {
  readonly name: string;
  readonly shape?: readonly (number | string | null)[] | null;
  readonly dtype?: string;
}
export interface SummaryLike {
  readonly params: number;
  readonly macs: number;
  readonly bytes: number;
  readonly opset?: number;
  readonly opHistogram?: Readonly<Record<string, number>> | ReadonlyMap<string, number>;
  readonly inputs?: readonly SummaryValue[];
  readonly outputs?: readonly SummaryValue[];
  readonly layers: readonly SummaryLayer[];
}

/** 1234567 → "1.23 M"; bytes use binary units ("4.71 MiB"). */
export function humanCount(n: number): string {
  const units = ["", " k", " M", " G", " T"];
  let i = 0;
  let v = n;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? formatCell(n) : `${v.toPrecision(3)}${units[i]}`;
}

export function humanBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toPrecision(3)} ${units[i]}`;
}

function shapeText(shape: SummaryValue["shape"]): string {
  if (!shape) return "?";
  return `[${shape.map((d) => (d === null ? "?" : String(d))).join(", ")}]`;
}

function histogramEntries(h: SummaryLike["opHistogram"]): [string, number][] {
  if (!h) return [];
  const entries = h instanceof Map ? [...h.entries()] : Object.entries(h as Record<string, number>);
  return entries.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

// GraphSummary must stay assignable to what summaryTable accepts.
type Assignable<T extends SummaryLike> = T;
export type GraphSummaryFits = Assignable<GraphSummary>;

export interface SummaryTableOptions {
  title?: string;
  /** Show at most this many layers (first ones), then a "… N more" row. Default 60. */
  maxLayers?: number;
}

export function summaryTable(summary: SummaryLike, options: SummaryTableOptions = {}) {
  const maxLayers = options.maxLayers ?? 60;
  const shown = summary.layers.slice(0, maxLayers);
  const rows = shown.map((l) => ({ layer: l.name, op: l.opType, output: shapeText(l.outputShape), params: l.params, MACs: l.macs }));
  const hidden = summary.layers.length - shown.length;
  const layerTable = table(rows, {
    columns: ["layer", "op", "output", { key: "params", align: "right" }, { key: "MACs", align: "right" }],
    title: options.title,
  });
  const io = (label: string, values: SummaryLike["inputs"]) =>
    values && values.length ? `${label}: ${values.map((v) => `${v.name} ${shapeText(v.shape)}${v.dtype ? " " + v.dtype : ""}`).join(", ")}` : "";
  const totals =
    `params ${humanCount(summary.params)} · MACs ${humanCount(summary.macs)} · size ${humanBytes(summary.bytes)}` +
    (summary.opset !== undefined ? ` · opset ${summary.opset}` : "");
  const ops = histogramEntries(summary.opHistogram)
    .map(([op, n]) => `${op}×${n}`)
    .join(" ");
  const notes = [hidden > 0 ? `… ${hidden} more layers` : "", totals, io("inputs", summary.inputs), io("outputs", summary.outputs), ops ? `ops: ${ops}` : ""].filter(
    Boolean,
  );
  return {
    summary,
    [JUPYTER_DISPLAY]: (): MimeBundle => ({
      "text/html": tableHtml(layerTable) + notes.map((n) => `<div class="compactor-note">${escapeHtml(n)}</div>`).join(""),
      "text/plain": [tableText(layerTable), ...notes].join("\n"),
    }),
  };
}
