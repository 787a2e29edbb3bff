// Latency measurement shared by `compactor bench` and bench/inference.ts:
// warm-up calls (session setup, kernel compilation, allocator growth), then
// timed calls, reported as median and 90th percentile.
import { performance } from "node:perf_hooks";

export interface Latency {
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly minMs: number;
  readonly runs: number;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export async function measureLatency(call: () => Promise<unknown>, options: { runs: number; warmup: number }): Promise<Latency> {
  for (let i = 0; i < options.warmup; i++) await call();
  const times: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    const start = performance.now();
    await call();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  return { medianMs: round(percentile(times, 50)), p90Ms: round(percentile(times, 90)), minMs: round(times[0]!), runs: times.length };
}
