// Plotly figures as MIME bundles that render everywhere:
//   application/vnd.plotly.v1+json  JupyterLab / VS Code with a Plotly renderer;
//   text/html                       classic Notebook, JupyterLab without it, nbconvert HTML:
//                                   a div holding the static picture, and a loader that draws
//                                   the interactive figure over it once plotly.js is on the
//                                   page (how it gets there, per session: plotly-source.ts);
//   image/svg+xml                   the static picture alone (svg/render.ts), for viewers that
//                                   strip scripts and ignore Plotly JSON, like GitHub's;
//   text/plain                      a sparkline per trace, for terminals and logs.
import { randomUUID } from "node:crypto";
import { JUPYTER_DISPLAY, type MimeBundle } from "./mime.js";
import { isPlotlyInlined, markPlotlyInlined, plotlyLibraryScript, plotlyMode } from "./plotly-source.js";
import { figureLoader, type LoaderSource } from "./plotly-loader.js";
import { figureSvg } from "./svg/render.js";
import { titleText } from "./svg/xml.js";
import { escapeHtml } from "./bundle.js";
import { sparkline } from "./text.js";
import { formatCell } from "./table.js";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";
export const SVG_MIME = "image/svg+xml";

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

/** The static picture; a renderer bug shows as a message in the picture instead of hiding the figure. */
export function figureStaticSvg(figure: PlotlyFigure): string {
  try {
    return figureSvg(figure);
  } catch (error) {
    const message = `static picture failed: ${(error as Error).message}`.replace(/[<>&]/g, "");
    return `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="40"><text x="8" y="24" font-size="12" fill="#a33">${message}</text></svg>`;
  }
}

export interface FigureHtmlOptions {
  readonly divId?: string;
  /** How the loader gets plotly.js (default: the session's mode, see plotly-source.ts). */
  readonly source?: LoaderSource;
}

function plotlyConfig(figure: PlotlyFigure): Record<string, unknown> {
  return { responsive: true, ...(figure.config ?? {}) };
}

/** The div (holding the static picture until plotly.js draws over it) and the loader script. */
export function figureDivHtml(figure: PlotlyFigure, options: FigureHtmlOptions = {}): string {
  const divId = options.divId ?? `compactor-plot-${randomUUID()}`;
  const height = typeof figure.layout?.height === "number" ? figure.layout.height : 360;
  const fig = { data: figure.data, layout: figure.layout ?? {}, config: plotlyConfig(figure) };
  const loader = figureLoader(fig, divId, options.source ?? plotlyMode());
  return `<div id="${divId}" class="compactor-plot" style="min-height:${height}px;width:100%">${figureStaticSvg(figure)}${untrustedNote(figure)}</div>\n<script type="text/javascript">\n${loader}\n</script>`;
}

/**
 * Hidden by its style everywhere but where the output was sanitized: Jupyter's sanitizer (an
 * untrusted notebook in the Notebook or JupyterLab) drops the <svg>, the script and every
 * style, so the reader sees this line instead of an empty box.
 */
function untrustedNote(figure: PlotlyFigure): string {
  const title = titleText(figure.layout?.title);
  return `<div class="compactor-plot-untrusted" style="display:none">Figure${title ? ` "${escapeHtml(title)}"` : ""}: its picture and script were removed because this notebook is not trusted here. Run the cell, or trust the notebook (File → Trust Notebook), to see it.</div>`;
}

/** The library in a script tag of its own (inline mode). */
export function plotlyLibraryHtml(): string {
  return `<script type="text/javascript">\n${plotlyLibraryScript()}\n</script>`;
}

/** text/html for a figure: in inline mode the first figure of the session also carries the library. */
export function figureHtml(figure: PlotlyFigure, options: FigureHtmlOptions = {}): string {
  let library = "";
  if (options.source === undefined && plotlyMode().mode === "inline" && !isPlotlyInlined()) {
    library = plotlyLibraryHtml() + "\n";
    markPlotlyInlined();
  }
  return library + figureDivHtml(figure, options);
}

/** A whole standalone page (for files the REPL writes): loads plotly.js from `plotlySrc`. */
export function figurePage(figure: PlotlyFigure, plotlySrc: string, title = "compactor figure"): string {
  const t = titleText(figure.layout?.title) || title;
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(t)}</title>
<script type="text/javascript" src="${escapeHtml(plotlySrc)}"></script></head>
<body>\n${figureDivHtml(figure, { source: { mode: "wait" } })}\n</body></html>\n`;
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

/**
 * All four forms. `library: false` leaves plotly.js out even in inline mode (live figures
 * send it in an output of their own, since each redraw replaces the figure's output).
 */
export function figureBundle(figure: PlotlyFigure, options: { library?: boolean } = {}): MimeBundle {
  return {
    [PLOTLY_MIME]: { data: figure.data, layout: figure.layout ?? {}, config: figure.config ?? {} },
    "text/html": options.library === false ? figureDivHtml(figure) : figureHtml(figure),
    [SVG_MIME]: figureStaticSvg(figure),
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
