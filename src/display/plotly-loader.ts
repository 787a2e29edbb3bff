// The script each figure's text/html carries: it draws the figure into its div
// once window.Plotly exists, replacing the static picture the div holds until
// then. How the library arrives depends on the session's mode (plotly-source.ts):
//   "wait"  an inline <script> on the same page brings it (inline mode's first figure,
//           report.html, the REPL's figure pages); the figure waits for it;
//   "url"   the first figure on a page adds one <script src> and every figure waits for it;
//   "none"  nothing is loaded: draws only if the page has plotly.js from elsewhere.
// ES5 and no DOM types here: this is text for the browser, not code for Node.
import { KERNELSPEC_RESOURCES, PLOTLY_FILE, type PlotlySource } from "./plotly-source.js";

export type LoaderSource = PlotlySource | { readonly mode: "wait" };

/** JSON inside a <script>: escape what could close the tag or start a comment. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/\u2028|\u2029/g, (c) => (c === "\u2028" ? "\\u2028" : "\\u2029"));
}

const COMMON = `
  function target() { return document.getElementById(id); }
  function draw() {
    var el = target();
    if (!el || el.getAttribute("data-drawn")) return;
    el.setAttribute("data-drawn", "1");
    // The static picture makes way for the interactive one.
    el.innerHTML = "";
    window.Plotly.newPlot(el, fig.data, fig.layout, fig.config);
  }
  function note(text) {
    var el = target();
    if (!el || el.getAttribute("data-drawn") || el.querySelector(".compactor-plot-note")) return;
    var p = document.createElement("div");
    p.className = "compactor-plot-note";
    p.style.cssText = "font:12px sans-serif;color:#a33;margin-top:4px";
    p.textContent = text;
    el.appendChild(p);
  }
  if (window.Plotly) { draw(); return; }`;

const WAIT = `
  // The library comes in an inline script on this page; wait for it, and say so if it never comes.
  var done = false;
  window.addEventListener("compactor-plotly-ready", function () { if (!done) { done = true; draw(); } });
  var waited = 0;
  var timer = setInterval(function () {
    if (done) { clearInterval(timer); return; }
    if (window.Plotly) { clearInterval(timer); done = true; draw(); return; }
    waited += 100;
    if (waited > 10000) {
      clearInterval(timer);
      note("plotly.js is not on this page: it went out with this session's first figure (inline mode). Re-run that cell, or run setPlotlyMode(\\"inline\\") and draw again.");
    }
  }, 100);`;

function urlPart(source: PlotlySource): string {
  return `
  var src = ${source.url === undefined ? "null" : jsonForScript(source.url)};
  if (src === null) {
    // The kernelspec's copy, served by the Jupyter server this page came from.
    var base = null;
    var config = document.getElementById("jupyter-config-data");
    if (config) { try { base = JSON.parse(config.textContent).baseUrl || null; } catch (e) { base = null; } }
    if (base === null && document.body) base = document.body.getAttribute("data-base-url");
    // Not a Jupyter page (nbconvert HTML, a notebook viewer): the static picture stays.
    if (base === null) return;
    if (base.charAt(base.length - 1) !== "/") base += "/";
    src = base + ${jsonForScript(KERNELSPEC_RESOURCES)} + encodeURIComponent(${jsonForScript(source.kernel)}) + "/" + ${jsonForScript(PLOTLY_FILE)};
  }
  var failed = "plotly.js did not load from " + src + ", so the static picture stays. Run \`npx compactor kernel install --user\` again (it puts plotly.min.js in the kernelspec), or run setPlotlyMode(\\"inline\\") in a cell.";
  var tag = document.querySelector("script[data-compactor-plotly]");
  if (!tag) {
    tag = document.createElement("script");
    tag.setAttribute("data-compactor-plotly", "loading");
    tag.addEventListener("load", function () { tag.setAttribute("data-compactor-plotly", "loaded"); });
    tag.addEventListener("error", function () { tag.setAttribute("data-compactor-plotly", "failed"); });
    tag.src = src;
    document.head.appendChild(tag);
  }
  if (tag.getAttribute("data-compactor-plotly") === "failed") { note(failed); return; }
  tag.addEventListener("load", function () { if (window.Plotly) draw(); });
  tag.addEventListener("error", function () { note(failed); });`;
}

const NONE = `
  // No library from us: draw if something else brings it.
  window.addEventListener("compactor-plotly-ready", function () { if (window.Plotly) draw(); });`;

/** The <script> body that draws `figure` into the element with id `divId`. */
export function figureLoader(figure: unknown, divId: string, source: LoaderSource): string {
  const part = source.mode === "wait" || source.mode === "inline" ? WAIT : source.mode === "url" ? urlPart(source) : NONE;
  return `(function () {
  var fig = ${jsonForScript(figure)};
  var id = ${jsonForScript(divId)};${COMMON}${part}
})();`;
}
