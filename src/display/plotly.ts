// Plotly figures as MIME bundles that render everywhere:
//   application/vnd.plotly.v1+json  JupyterLab / VS Code with a Plotly renderer;
//   text/html                       classic Notebook, JupyterLab without it, nbconvert HTML:
//                                   a div plus a guarded loader. The installed plotly.js-dist
//                                   is inlined ONCE per session (the first figure's HTML
//                                   defines window.Plotly); later figures wait for it.
//                                   Nothing is fetched from the network.
//   text/plain                      a sparkline per trace, for terminals and logs.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { JUPYTER_DISPLAY, type MimeBundle } from "./mime.js";
import { sparkline } from "./text.js";
import { formatCell } from "./table.js";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

export interface PlotlyTrace {
  type?: string;
  name?: string;
  x?: readonly unknown[];
  y?: readonly unknown[];
  z?: readonly (readonly unknown[])[];
  [key: string]: unknown;
}

export interface PlotlyFigure {
  data: PlotlyTrace[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

let plotlyInlined = false;
let plotlySource: string | undefined;

/** Forget that plotly.js was inlined: the next figure carries the library again (new session, tests). */
export function resetPlotlyInline(): void {
  plotlyInlined = false;
}

export function isPlotlyInlined(): boolean {
  return plotlyInlined;
}

/** Record that the library went out in an output of its own (live figures do this). */
export function markPlotlyInlined(): void {
  plotlyInlined = true;
}

/** Path of the installed plotly.js-dist bundle. */
export function plotlyJsPath(): string {
  return createRequire(import.meta.url).resolve("plotly.js-dist/plotly.js");
}

/** The library as the body of a script tag: `</script` cannot end the tag early, and a CommonJS `module` in the page is hidden. */
export function plotlyLibraryScript(): string {
  plotlySource ??= readFileSync(plotlyJsPath(), "utf8");
  const safe = plotlySource.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
  return `(function (module, exports, define) {\n${safe}\n}).call(window);\nwindow.dispatchEvent(new Event("compactor-plotly-ready"));`;
}

function jsonForScript(value: unknown): string {
  // JSON inside a <script>: escape what could close the tag or start a comment.
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/\u2028|\u2029/g, (c) => (c === "\u2028" ? "\\u2028" : "\\u2029"));
}

/** The div plus the loader that draws the figure once window.Plotly exists (now, or when the library script runs). */
export function figureDivHtml(figure: PlotlyFigure, divId = `compactor-plot-${randomUUID()}`): string {
  const height = typeof figure.layout?.height === "number" ? figure.layout.height : 360;
  const loader = `(function () {
  var fig = ${jsonForScript({ data: figure.data, layout: figure.layout ?? {}, config: { responsive: true, ...(figure.config ?? {}) } })};
  var id = ${JSON.stringify(divId)};
  function draw() { window.Plotly.newPlot(id, fig.data, fig.layout, fig.config); }
  if (window.Plotly) { draw(); return; }
  // The library comes with the session's first figure; wait for it, and say so if it never comes.
  var waited = 0;
  window.addEventListener("compactor-plotly-ready", function () { if (waited >= 0) { waited = -1; draw(); } }, { once: true });
  var timer = setInterval(function () {
    if (waited < 0) { clearInterval(timer); return; }
    if (window.Plotly) { clearInterval(timer); waited = -1; draw(); return; }
    waited += 100;
    if (waited > 10000) {
      clearInterval(timer);
      var div = document.getElementById(id);
      if (div) div.textContent = "plotly.js is not loaded on this page: re-run the cell that drew the first figure, or call resetPlotlyInline() and draw again.";
    }
  }, 100);
})();`;
  return `<div id="${divId}" class="compactor-plot" style="height:${height}px;width:100%"></div>\n<script type="text/javascript">\n${loader}\n</script>`;
}

/** text/html for a figure: the library the first time in this session, then only the div and loader. */
export function figureHtml(figure: PlotlyFigure): string {
  let library = "";
  if (!plotlyInlined) {
    library = `<script type="text/javascript">\n${plotlyLibraryScript()}\n</script>\n`;
    plotlyInlined = true;
  }
  return library + figureDivHtml(figure);
}

/** A whole standalone page (for files the REPL writes): loads plotly.js from `plotlySrc`. */
export function figurePage(figure: PlotlyFigure, plotlySrc: string, title = "compactor figure"): string {
  const t = String(figure.layout?.title && typeof figure.layout.title === "object" ? (figure.layout.title as { text?: unknown }).text ?? title : figure.layout?.title ?? title);
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${t.replace(/[<>&]/g, "")}</title>
<script type="text/javascript" src="${plotlySrc}"></script></head>
<body>\n${figureDivHtml(figure)}\n</body></html>\n`;
}

function numbers(values: readonly unknown[] | undefined): number[] {
  return (values ?? []).map((v) => (typeof v === "number" ? v : Number(v)));
}

/** Terminal twin of a figure: title, then per trace its name, a sparkline and the last value or range. */
export function figureText(figure: PlotlyFigure): string {
  const title = figure.layout?.title;
  const lines: string[] = [];
  const titleText = typeof title === "string" ? title : typeof title === "object" && title ? String((title as { text?: unknown }).text ?? "") : "";
  if (titleText) lines.push(titleText);
  const names = figure.data.map((t, i) => t.name ?? `trace ${i}`);
  const nameWidth = Math.max(0, ...names.map((n) => n.length));
  figure.data.forEach((trace, i) => {
    const name = names[i]!.padEnd(nameWidth);
    if (trace.z) {
      const rows = trace.z.length;
      const cols = trace.z[0]?.length ?? 0;
      lines.push(`${name} heatmap ${rows}×${cols}`);
      for (const row of trace.z) lines.push("  " + sparklineRow(numbers(row)));
      return;
    }
    const y = numbers(trace.y);
    if (y.length === 0) {
      lines.push(`${name} (no points)`);
      return;
    }
    const finite = y.filter(Number.isFinite);
    const range = finite.length ? `min ${formatCell(Math.min(...finite))} max ${formatCell(Math.max(...finite))}` : "no finite values";
    lines.push(`${name} ${sparkline(y, { width: 60 })} last ${formatCell(y[y.length - 1])} · ${range} · ${y.length} points`);
  });
  return lines.join("\n");
}

/** A heatmap row as shades over the whole matrix would lose per-row contrast; rows are shaded on their own. */
function sparklineRow(values: number[]): string {
  return sparkline(values, { width: 60 });
}

export function figureBundle(figure: PlotlyFigure): MimeBundle {
  return {
    [PLOTLY_MIME]: { data: figure.data, layout: figure.layout ?? {}, config: figure.config ?? {} },
    "text/html": figureHtml(figure),
    "text/plain": figureText(figure),
  };
}

/** A figure value: displays as Plotly (JSON + HTML + text); `figure` stays editable. */
export interface Figure {
  readonly figure: PlotlyFigure;
  [JUPYTER_DISPLAY](): MimeBundle;
}

export function asFigure(figure: PlotlyFigure): Figure {
  return { figure, [JUPYTER_DISPLAY]: () => figureBundle(figure) };
}
