// Small text renderings that work in any terminal: sparklines and a one-line
// progress bar. Pure functions of their inputs.

const BARS = "▁▂▃▄▅▆▇█";

/**
 * One character per value, ▁ (the minimum) to █ (the maximum). Non-finite values
 * (NaN, ±Infinity: a diverged loss) show as a space so gaps stay visible.
 * With `width`, longer series are resampled by averaging buckets.
 */
export function sparkline(values: readonly number[], options: { width?: number } = {}): string {
  const series = options.width !== undefined && values.length > options.width ? resample(values, options.width) : values;
  const finite = series.filter(Number.isFinite);
  if (finite.length === 0) return " ".repeat(series.length);
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const span = max - min;
  return series
    .map((v) => {
      if (!Number.isFinite(v)) return " ";
      // A flat series sits in the middle rather than at the floor.
      const level = span === 0 ? 3 : Math.round(((v - min) / span) * (BARS.length - 1));
      return BARS[level];
    })
    .join("");
}

function resample(values: readonly number[], width: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < width; i++) {
    const from = Math.floor((i * values.length) / width);
    const to = Math.max(from + 1, Math.floor(((i + 1) * values.length) / width));
    const bucket = values.slice(from, to).filter(Number.isFinite);
    out.push(bucket.length ? bucket.reduce((a, b) => a + b, 0) / bucket.length : NaN);
  }
  return out;
}

export interface ProgressState {
  done: number;
  total?: number;
  label?: string;
  /** Extra text after the counts, e.g. "loss 0.231". */
  note?: string;
  /** Seconds since the start, for the rate and the time left. */
  elapsedSeconds?: number;
}

const EIGHTHS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/** `label ████████▍       53% 530/1000 · 12.3/s · 38s left · loss 0.231` in one line. */
export function progressLine(state: ProgressState, options: { width?: number } = {}): string {
  const width = options.width ?? 24;
  const parts: string[] = [];
  if (state.label) parts.push(state.label);
  if (state.total !== undefined && state.total > 0) {
    const fraction = Math.min(1, Math.max(0, state.done / state.total));
    parts.push(bar(fraction, width), `${String(Math.floor(fraction * 100)).padStart(3)}%`, `${state.done}/${state.total}`);
  } else {
    parts.push(`${state.done}`);
  }
  const elapsed = state.elapsedSeconds;
  if (elapsed !== undefined && elapsed > 0 && state.done > 0) {
    const rate = state.done / elapsed;
    parts.push(`· ${formatRate(rate)}/s`);
    if (state.total !== undefined && state.done < state.total) parts.push(`· ${formatSeconds((state.total - state.done) / rate)} left`);
    else parts.push(`· ${formatSeconds(elapsed)}`);
  }
  if (state.note) parts.push(`· ${state.note}`);
  return parts.join(" ");
}

function bar(fraction: number, width: number): string {
  const eighths = Math.round(fraction * width * 8);
  const full = Math.floor(eighths / 8);
  const partial = EIGHTHS[eighths % 8]!;
  return ("█".repeat(full) + partial).padEnd(width, " ");
}

function formatRate(rate: number): string {
  return rate >= 100 ? rate.toFixed(0) : rate >= 10 ? rate.toFixed(1) : rate.toPrecision(2);
}

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}
