// How plotly.js reaches the page that shows a figure's text/html, chosen per
// session like plotly.py's include_plotlyjs / renderers:
//
//   "url"     (default) every figure carries a loader that adds one <script src> per page.
//             Without a URL given it is the kernelspec's own copy, which a Jupyter server
//             serves at <base>/kernelspecs/<kernel>/plotly.min.js (`compactor kernel install`
//             puts it there): works offline, keeps notebooks small. Off a Jupyter page
//             (nbconvert HTML, GitHub) nothing is loaded and the static picture stays.
//   "inline"  the minified bundle (4.8 MB) goes into the session's first figure, once; later
//             figures wait for it. Self-contained HTML exports, at that size.
//   "none"    no library: figures draw only where the page already has window.Plotly.
//
// Chosen from a cell with setPlotlyMode("inline") / setPlotlyMode("url", { url }) /
// setPlotlyMode("none"), or for the whole session from the environment:
// COMPACTOR_PLOTLY=inline|url|none, COMPACTOR_PLOTLY_URL=<url> (implies "url").
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { OptionError, mustBeOneOf } from "../core/errors.js";

export const PLOTLY_MODES = Object.freeze(["url", "inline", "none"] as const);
export type PlotlyMode = (typeof PLOTLY_MODES)[number];

/** The file name of the bundle, in node_modules and in the kernelspec folder. */
export const PLOTLY_FILE = "plotly.min.js";

/** Where a kernelspec's resources are served: the Jupyter server's base URL + this + kernel name. */
export const KERNELSPEC_RESOURCES = "kernelspecs/";

export interface PlotlySource {
  readonly mode: PlotlyMode;
  /** "url" mode: where plotly.js is loaded from; absent means the kernelspec's copy on the Jupyter server. */
  readonly url?: string;
  /** "url" mode without a url: the kernelspec whose copy is loaded (COMPACTOR_KERNEL_NAME, set in kernel.json). */
  readonly kernel: string;
}

const DEFAULT_KERNEL = "compactor";

let current: PlotlySource | undefined;
let inlined = false;
let librarySource: string | undefined;

/** The session's choice as the environment states it; every wrong variable is reported at once. */
export function plotlySourceFromEnv(env: NodeJS.ProcessEnv = process.env): PlotlySource {
  const kernel = env.COMPACTOR_KERNEL_NAME || DEFAULT_KERNEL;
  const problems: string[] = [];
  const mode = env.COMPACTOR_PLOTLY || "url";
  if (!(PLOTLY_MODES as readonly string[]).includes(mode)) problems.push(`COMPACTOR_PLOTLY must be one of [${PLOTLY_MODES.join(", ")}], got ${JSON.stringify(mode)}`);
  if (env.COMPACTOR_PLOTLY_URL && mode !== "url") problems.push(`COMPACTOR_PLOTLY_URL is set but COMPACTOR_PLOTLY=${mode}: a URL only applies to "url"`);
  if (problems.length > 0) throw new OptionError(`plotly.js source: ${problems.join("; ")}. Unset them or fix them and restart the kernel.`);
  return { mode: mode as PlotlyMode, kernel, ...(env.COMPACTOR_PLOTLY_URL ? { url: env.COMPACTOR_PLOTLY_URL } : {}) };
}

/** The session's current choice (read from the environment the first time). */
export function plotlyMode(): PlotlySource {
  current ??= plotlySourceFromEnv();
  return current;
}

/**
 * Choose how later figures get plotly.js (see the top of this file). "inline" re-arms the
 * embedding: the next figure carries the library again, like plotly.py's init_notebook_mode().
 */
export function setPlotlyMode(mode: PlotlyMode, options: { url?: string } = {}): PlotlySource {
  if (!(PLOTLY_MODES as readonly string[]).includes(mode)) throw mustBeOneOf("setPlotlyMode: the mode", mode, PLOTLY_MODES);
  if (options.url !== undefined && (mode !== "url" || typeof options.url !== "string" || options.url === "")) {
    throw new OptionError(`setPlotlyMode: { url } needs mode "url" and a non-empty string, got mode ${JSON.stringify(mode)} and url ${JSON.stringify(options.url)}`);
  }
  const kernel = current?.kernel ?? plotlySourceFromEnv({ COMPACTOR_KERNEL_NAME: process.env.COMPACTOR_KERNEL_NAME }).kernel;
  current = { mode, kernel, ...(options.url !== undefined ? { url: options.url } : {}) };
  if (mode === "inline") inlined = false;
  return current;
}

/** Forget the session's choice and the inlining (tests; a new session). */
export function resetPlotlyMode(): void {
  current = undefined;
  inlined = false;
}

/** Forget that plotly.js was inlined: the next figure carries the library again. */
export function resetPlotlyInline(): void {
  inlined = false;
}

export function isPlotlyInlined(): boolean {
  return inlined;
}

/** Record that the library went out in an output of its own (live figures do this). */
export function markPlotlyInlined(): void {
  inlined = true;
}

/** Path of the installed minified bundle (plotly.js-dist-min, pinned to an exact version). */
export function plotlyJsPath(): string {
  return createRequire(import.meta.url).resolve(`plotly.js-dist-min/${PLOTLY_FILE}`);
}

/** The library as the body of a script tag: `</script` cannot end the tag early, and a CommonJS `module` in the page is hidden. */
export function plotlyLibraryScript(): string {
  librarySource ??= readFileSync(plotlyJsPath(), "utf8");
  const safe = librarySource.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
  return `(function (module, exports, define) {\n${safe}\n}).call(window);\nwindow.dispatchEvent(new Event("compactor-plotly-ready"));`;
}
