// Latency measurement shared by `compactor bench` and bench/inference.ts:
// warm-up calls (session setup, kernel compilation, allocator growth), then
// timed calls, reported as median and 90th percentile.
//
// Warm-up lasts a minimum time as well as a number of calls: V8 first runs
// WebAssembly (tfjs's wasm backend, our kernels) as baseline Liftoff code and
// moves hot functions to optimized TurboFan code only after they have run a
// while. MobileNetV2 at batch 1 took 50–55 ms a call for its first ~17 calls
// (about a second), then 32–35 ms (measured; `node --no-liftoff` gives 33 ms
// from the second call). Three warm-up calls timed the baseline code.
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

/**
 * Times several calls in alternation (a, b, a, b…) so that load from other
 * processes on a shared machine hits all of them alike; their ratio is then
 * far steadier than when each is timed in its own block.
 */
/** Default least warm-up time: past V8's tier-up of hot wasm functions (see above). */
export const WARMUP_MS = 2000;

export async function measureInterleaved<K extends string>(
  calls: Readonly<Record<K, () => Promise<unknown>>>,
  options: { runs: number; warmup: number; warmupMs?: number },
): Promise<Record<K, Latency>> {
  const names = Object.keys(calls) as K[];
  const warmupEnd = performance.now() + (options.warmupMs ?? WARMUP_MS);
  for (let i = 0; i < options.warmup || performance.now() < warmupEnd; i++) for (const name of names) await calls[name]();
  const times = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < options.runs; i++) {
    for (const name of names) {
      const start = performance.now();
      await calls[name]();
      times[name].push(performance.now() - start);
    }
  }
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  const result = {} as Record<K, Latency>;
  for (const name of names) {
    const sorted = times[name].sort((a, b) => a - b);
    result[name] = { medianMs: round(percentile(sorted, 50)), p90Ms: round(percentile(sorted, 90)), minMs: round(sorted[0]!), runs: sorted.length };
  }
  return result;
}
