// Live displays: one output that is redrawn in place while work runs
// (update_display_data in Jupyter, a redrawn line in a terminal).
//
//   const live = liveDisplay();            // nothing shown until the first update
//   live.update(value);                    // throttled: at most 4 redraws a second
//   live.done(finalValue?);                // always sent, at once; later updates are ignored
//
//   const bar = progress({ total: 1000, label: "epoch 1" });
//   bar.tick();  bar.tick(32, "loss 0.231");  bar.set(500);  bar.done();
//
//   const curve = liveCurve({ title: "loss", series: ["train loss", "test loss"], xaxis: "step" });
//   curve.push("train loss", step, value); // unknown series names are an OptionError
//   curve.done();                           // final figure; curve.figure() gives the Plotly figure
//
// Values are turned into bundles only when a redraw is actually sent, so a
// fast loop pays for at most 4 renders a second. Intermediate states are sent
// with live: "partial" and the last with live: "final", so hosts that cannot
// redraw (piped output) print just the final state.
import { randomUUID } from "node:crypto";
import { toMimeBundle } from "./bundle.js";
import { displaySink } from "./sink.js";
import { JUPYTER_DISPLAY, type MimeBundle } from "./mime.js";
import { figureBundle, plotlyLibraryHtml, type PlotlyFigure } from "./plotly.js";
import { isPlotlyInlined, markPlotlyInlined, plotlyMode } from "./plotly-source.js";
import { progressLine } from "./text.js";
import { escapeHtml } from "./bundle.js";
import { mustBeOneOf } from "../core/errors.js";

export interface LiveDisplay {
  readonly displayId: string;
  update(value: unknown): void;
  done(value?: unknown): void;
}

export interface LiveOptions {
  /** Smallest gap between two redraws, in ms (default 250: 4 per second). */
  minIntervalMs?: number;
}

export function liveDisplay(options: LiveOptions = {}): LiveDisplay {
  const minInterval = options.minIntervalMs ?? 250;
  const displayId = randomUUID();
  let shown = false;
  let finished = false;
  let lastSent = -Infinity;
  let pending: { value: unknown } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const send = (value: unknown, live: "partial" | "final") => {
    const bundle = toMimeBundle(value);
    displaySink().display(bundle, shown ? { displayId, update: true, live } : { displayId, live });
    shown = true;
    lastSent = Date.now();
  };
  const flush = () => {
    timer = undefined;
    if (pending && !finished) {
      const { value } = pending;
      pending = undefined;
      send(value, "partial");
    }
  };
  return {
    displayId,
    update(value) {
      if (finished) return;
      pending = { value };
      const wait = lastSent + minInterval - Date.now();
      if (wait <= 0) {
        if (timer) clearTimeout(timer);
        flush();
      } else if (!timer) {
        timer = setTimeout(flush, wait);
        // A pending redraw must not keep a finished program alive; done() sends the last state anyway.
        timer.unref?.();
      }
    },
    done(value) {
      if (finished) return;
      finished = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      const last = arguments.length > 0 ? { value } : pending;
      pending = undefined;
      if (last) send(last.value, "final");
      else if (shown) displaySink().display(toMimeBundle(undefined), { displayId, update: true, live: "final" });
    },
  };
}

export interface ProgressOptions extends LiveOptions {
  total?: number;
  label?: string;
}

export interface ProgressBar {
  /** Advance by n (default 1), optionally with a note such as "loss 0.23". */
  tick(n?: number, note?: string): void;
  set(done: number, note?: string): void;
  done(note?: string): void;
  readonly count: number;
}

export function progress(options: ProgressOptions = {}): ProgressBar {
  const live = liveDisplay(options);
  const started = Date.now();
  let count = 0;
  let note: string | undefined;
  const view = () => progressView({ done: count, total: options.total, label: options.label, note, elapsedSeconds: (Date.now() - started) / 1000 });
  return {
    get count() {
      return count;
    },
    tick(n = 1, newNote) {
      count += n;
      if (newNote !== undefined) note = newNote;
      live.update(view());
    },
    set(done, newNote) {
      count = done;
      if (newNote !== undefined) note = newNote;
      live.update(view());
    },
    done(newNote) {
      if (newNote !== undefined) note = newNote;
      live.done(view());
    },
  };
}

/** A progress state as a value: a <progress> element in HTML, a one-line bar in text. */
export function progressView(state: Parameters<typeof progressLine>[0]): { [JUPYTER_DISPLAY](): MimeBundle } {
  return {
    [JUPYTER_DISPLAY]: () => {
      const text = progressLine(state);
      const bar = state.total ? `<progress value="${state.done}" max="${state.total}" style="width:16em"></progress> ` : "";
      return { "text/html": `<div class="compactor-progress">${bar}<code>${escapeHtml(text)}</code></div>`, "text/plain": text };
    },
  };
}

export interface LiveCurveOptions extends LiveOptions {
  title?: string;
  series: readonly string[];
  xaxis?: string;
  yaxis?: string;
}

export interface LiveCurve {
  push(series: string, x: number, y: number): void;
  done(): void;
  figure(): PlotlyFigure;
}

export function liveCurve(options: LiveCurveOptions): LiveCurve {
  const points = new Map(options.series.map((name) => [name, { x: [] as number[], y: [] as number[] }]));
  const live = liveDisplay(options);
  const figure = (): PlotlyFigure => ({
    data: options.series.map((name) => ({ type: "scatter", mode: "lines", name, x: points.get(name)!.x.slice(), y: points.get(name)!.y.slice() })),
    layout: {
      title: options.title ? { text: options.title } : undefined,
      xaxis: options.xaxis ? { title: { text: options.xaxis } } : undefined,
      yaxis: options.yaxis ? { title: { text: options.yaxis } } : undefined,
      margin: { t: options.title ? 40 : 20, r: 20, b: 40, l: 50 },
    },
  });
  // Redraws replace the output, so in inline mode the plotly.js library must live in an
  // output of its own (sent once, before the curve) or the final saved notebook would lack it.
  const view = () => {
    const fig = figure();
    return { [JUPYTER_DISPLAY]: (): MimeBundle => figureBundle(fig, { library: false }) };
  };
  let started = false;
  const start = () => {
    started = true;
    const sink = displaySink();
    if (sink.rich && plotlyMode().mode === "inline" && !isPlotlyInlined()) {
      sink.display({ "text/html": plotlyLibraryHtml(), "text/plain": "" });
      markPlotlyInlined();
    }
  };
  return {
    push(series, x, y) {
      const target = points.get(series);
      if (!target) throw mustBeOneOf(`liveCurve series`, series, options.series);
      if (!started) start();
      target.x.push(x);
      target.y.push(y);
      live.update(view());
    },
    done() {
      if (!started) start();
      live.done(view());
    },
    figure,
  };
}
