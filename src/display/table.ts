// Tables: one value that displays as an HTML table in Jupyter and as a
// box-drawn text table (┌─┬┐) in terminals. Numbers are right-aligned and
// formatted the same way in both.
import { escapeHtml } from "./bundle.js";
import { JUPYTER_DISPLAY, type MimeBundle } from "./mime.js";
import { mustBeOneOf } from "../core/errors.js";

export type Cell = string | number | bigint | boolean | null | undefined;
export type Row = Readonly<Record<string, Cell>> | readonly Cell[];

export interface ColumnSpec {
  /** Property name (object rows) or index (array rows). */
  key: string | number;
  /** Header text; defaults to the key. */
  label?: string;
  align?: "left" | "right";
  /** How to turn the cell into text; defaults to formatCell. */
  format?: (value: Cell) => string;
}

export interface TableOptions {
  /** Column keys or specs, in order. Defaults to the keys of the first object row, or 0..n-1. */
  columns?: readonly (string | ColumnSpec)[];
  title?: string;
  /** A last line under the table, e.g. totals already in the rows' units. */
  footer?: string;
}

export interface Table {
  readonly title?: string;
  readonly header: readonly string[];
  /** Cells already formatted as text. */
  readonly cells: readonly (readonly string[])[];
  readonly align: readonly ("left" | "right")[];
  readonly footer?: string;
  [JUPYTER_DISPLAY](): MimeBundle;
}

const ALIGNS = ["left", "right"] as const;

export function table(rows: readonly Row[], options: TableOptions = {}): Table {
  const specs = resolveColumns(rows, options.columns);
  const cells = rows.map((row) => specs.map((spec) => (spec.format ?? formatCell)(pick(row, spec.key))));
  const align = specs.map((spec, c) => {
    if (spec.align !== undefined) {
      if (!ALIGNS.includes(spec.align)) throw mustBeOneOf(`table column "${spec.key}" align`, spec.align, ALIGNS);
      return spec.align;
    }
    // A column whose every value is a number reads best right-aligned.
    const values = rows.map((row) => pick(row, spec.key)).filter((v) => v !== null && v !== undefined);
    return values.length > 0 && values.every((v) => typeof v === "number" || typeof v === "bigint") ? "right" : "left";
  });
  const result: Omit<Table, typeof JUPYTER_DISPLAY> = {
    title: options.title,
    header: specs.map((s) => s.label ?? String(s.key)),
    cells,
    align,
    footer: options.footer,
  };
  return {
    ...result,
    [JUPYTER_DISPLAY]: () => ({ "text/html": tableHtml(result), "text/plain": tableText(result) }),
  };
}

function resolveColumns(rows: readonly Row[], columns: TableOptions["columns"]): ColumnSpec[] {
  if (columns) return columns.map((c) => (typeof c === "string" ? { key: c } : c));
  const first = rows[0];
  if (first === undefined) return [];
  if (Array.isArray(first)) return first.map((_, i) => ({ key: i }));
  // Keys of every row, in order of first appearance, so sparse rows lose nothing.
  const keys = new Set<string>();
  for (const row of rows) for (const k of Object.keys(row)) keys.add(k);
  return [...keys].map((key) => ({ key }));
}

function pick(row: Row, key: string | number): Cell {
  return (row as Record<string | number, Cell>)[key];
}

/** Integers with thousands separators, other numbers with 4 significant digits, nothing for null. */
export function formatCell(value: Cell): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "bigint") return value.toLocaleString("en-US");
  if (typeof value === "number") {
    if (Number.isInteger(value)) return value.toLocaleString("en-US");
    if (!Number.isFinite(value)) return String(value);
    const abs = Math.abs(value);
    return abs !== 0 && (abs < 1e-3 || abs >= 1e6) ? value.toExponential(3) : String(Number(value.toPrecision(4)));
  }
  return String(value);
}

/** Terminal width of a string: counts code points, not UTF-16 units. */
function width(text: string): number {
  return [...text].length;
}

function pad(text: string, to: number, align: "left" | "right"): string {
  const fill = " ".repeat(Math.max(0, to - width(text)));
  return align === "right" ? fill + text : text + fill;
}

export function tableText(t: Omit<Table, typeof JUPYTER_DISPLAY>): string {
  const columns = t.header.length;
  // One line per row: newlines inside a cell become spaces.
  const cells = t.cells.map((row) => row.map((c) => c.replace(/\n/g, " ")));
  const widths = t.header.map((h, c) => Math.max(width(h), ...cells.map((row) => width(row[c] ?? ""))));
  const line = (l: string, m: string, r: string) => l + widths.map((w) => "─".repeat(w + 2)).join(m) + r;
  const row = (values: readonly string[], aligns: readonly ("left" | "right")[]) =>
    "│" + values.map((v, c) => ` ${pad(v, widths[c]!, aligns[c]!)} `).join("│") + "│";
  const out: string[] = [];
  if (t.title) out.push(t.title);
  if (columns === 0) {
    out.push("(empty table)");
    return out.join("\n");
  }
  out.push(line("┌", "┬", "┐"));
  out.push(row(t.header, t.header.map(() => "left")));
  out.push(line("├", "┼", "┤"));
  for (const values of cells) out.push(row(values, t.align));
  out.push(line("└", "┴", "┘"));
  if (t.footer) out.push(t.footer);
  return out.join("\n");
}

export function tableHtml(t: Omit<Table, typeof JUPYTER_DISPLAY>): string {
  const th = t.header.map((h, c) => `<th style="text-align:${t.align[c]}">${escapeHtml(h)}</th>`).join("");
  const body = t.cells
    .map((row) => `<tr>${row.map((v, c) => `<td style="text-align:${t.align[c]}">${escapeHtml(v)}</td>`).join("")}</tr>`)
    .join("\n");
  const caption = t.title ? `<caption style="caption-side:top;text-align:left;font-weight:bold">${escapeHtml(t.title)}</caption>` : "";
  const footer = t.footer ? `<tfoot><tr><td colspan="${t.header.length}">${escapeHtml(t.footer)}</td></tr></tfoot>` : "";
  return `<table class="compactor-table">${caption}<thead><tr>${th}</tr></thead>\n<tbody>\n${body}\n</tbody>${footer}</table>`;
}
