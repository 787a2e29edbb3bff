// One fuzz campaign: a target's cases run in a worker thread (worker.ts) under
// a per-case time limit and a memory limit. A case that hangs or exhausts
// memory stops the worker; the campaign records it and goes on in a new worker
// from the next case, so one run lists every defect it finds.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { drawCases, readSeeds } from "./cases.js";
import { fuzzTarget } from "./targets.js";
import type { Outcome, WorkerInput, WorkerMessage } from "./worker.js";

export interface CampaignOptions {
  readonly runs: number;
  readonly seed?: number;
  /** A case that runs longer is a hang. */
  readonly caseMs?: number;
  /** Resident memory above the campaign's start by more than this is a blow-up. */
  readonly memoryMb?: number;
  /** Stop after this many defects (each later one is likely the same bug). */
  readonly maxDefects?: number;
  /** Harness self-test only: make one case misbehave (see worker.ts). */
  readonly probe?: WorkerInput["probe"];
}

export interface Defect {
  readonly index: number;
  readonly seed: string;
  readonly mutations: string;
  readonly problem: string;
}

export interface CampaignReport {
  readonly target: string;
  readonly cases: number;
  /** Cases that ran (fewer than `cases` when the campaign stopped at maxDefects). */
  readonly ran: number;
  readonly read: number;
  /** Cases refused with a CompactorError, by error class. */
  readonly refused: Readonly<Record<string, number>>;
  /** Distinct refusal messages (numbers blanked), most frequent first: what the mutations reached. */
  readonly refusals: readonly { readonly message: string; readonly count: number }[];
  readonly defects: readonly Defect[];
  /** Unmutated seeds that failed to read (the campaign proves nothing then). */
  readonly seedFailures: readonly string[];
  readonly slowestCaseMs: number;
  readonly peakRssGrowthMb: number;
  readonly seconds: number;
}

// This file runs from test/fuzz/ (vitest) and from dist/test/fuzz/ (npm run fuzz).
const ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "").replace(/\/dist$/, "");
const WORKER = join(ROOT, "dist", "test", "fuzz", "worker.js");

/** Runs the campaign for one target (see FUZZ_TARGETS). Needs dist/ built (npm run build). */
export async function runCampaign(targetName: string, options: CampaignOptions): Promise<CampaignReport> {
  if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run npm run build first (the fuzz worker runs the compiled sources)`);
  const seed = options.seed ?? 20261207;
  const caseMs = options.caseMs ?? 2000;
  const memoryMb = options.memoryMb ?? 500;
  const maxDefects = options.maxDefects ?? 20;
  const target = fuzzTarget(targetName);
  const cases = drawCases(target, readSeeds(target, ROOT), options.runs, seed);
  const started = performance.now();
  const baselineRss = process.memoryUsage().rss;
  let peakRss = baselineRss;
  let read = 0;
  let slowest = 0;
  const refused: Record<string, number> = {};
  const refusals = new Map<string, number>();
  const defects: Defect[] = [];
  let seedFailures: string[] = [];

  const defect = (index: number, problem: string) => {
    const c = cases[index]!;
    defects.push({ index, seed: c.seed, mutations: JSON.stringify(c.mutations), problem });
  };

  // One worker's life: resolves with the index to resume from, or undefined when all cases ran.
  const runWorker = (from: number) =>
    new Promise<number | undefined>((resolve) => {
      const input: WorkerInput = { target: targetName, root: ROOT, runs: options.runs, seed, from, probe: options.probe };
      const worker = new Worker(WORKER, { workerData: input, resourceLimits: { maxOldGenerationSizeMb: memoryMb } });
      // Growth is measured from this worker's start: what an earlier, stopped worker left is not this case's.
      const workerRss = process.memoryUsage().rss;
      let current: number | undefined;
      let caseStart = 0;
      let settled = false;
      // The worker ends once: the RSS watch, the time limit, a heap-limit error and the exit event can each
      // see the same bad case, and only the first may record it (the error often follows the watch's stop).
      const finish = (next: number | undefined) => {
        if (settled) return;
        settled = true;
        clearInterval(watch);
        // Resolve only when the worker's memory is released, so the next worker's watch starts clean.
        void worker.terminate().then(() => resolve(next), () => resolve(next));
      };
      const fail = (index: number, problem: string) => {
        if (settled) return;
        defect(index, problem);
        finish(index + 1);
      };
      // Setup (module loading, seeds) gets a generous limit; each case gets caseMs.
      let deadline = performance.now() + 60_000;
      const watch = setInterval(() => {
        const rss = process.memoryUsage().rss;
        peakRss = Math.max(peakRss, rss);
        if (current !== undefined && rss - workerRss > memoryMb * 2 ** 20) {
          fail(current, `resident memory grew by ${Math.round((rss - workerRss) / 2 ** 20)} MB (limit ${memoryMb} MB)`);
        } else if (performance.now() > deadline) {
          if (current === undefined) {
            seedFailures.push(`the worker did not start within 60 s`);
            finish(undefined);
          } else {
            fail(current, `still running after ${caseMs} ms`);
          }
        }
      }, 20);
      worker.on("message", (m: WorkerMessage) => {
        if (settled) return; // a message queued before the stop belongs to a case already recorded
        if (m.type === "seeds-read") seedFailures = [...seedFailures, ...m.failures];
        else if (m.type === "start") {
          current = m.index;
          caseStart = performance.now();
          deadline = caseStart + caseMs;
        } else if (m.type === "end") {
          slowest = Math.max(slowest, performance.now() - caseStart);
          record(m.index, m.outcome);
          current = undefined;
          deadline = performance.now() + caseMs;
          if (defects.length >= maxDefects) finish(undefined);
        } else if (m.type === "finished") finish(undefined);
      });
      worker.on("error", (e) => {
        if (settled) return;
        if (current === undefined) {
          seedFailures.push(`the worker failed outside any case: ${e.message}`);
          finish(undefined);
        } else {
          fail(current, `the worker died: ${e.message}`);
        }
      });
      worker.on("exit", () => finish(current === undefined ? undefined : current + 1));
    });

  const record = (index: number, outcome: Outcome) => {
    if (outcome.kind === "read") read++;
    else if (outcome.kind === "refused") {
      refused[outcome.error] = (refused[outcome.error] ?? 0) + 1;
      const message = `${outcome.error}: ${outcome.message.replace(/\/[^\s:]*fuzz-[^\s:]*/g, "<file>").replace(/\d+/g, "N").slice(0, 160)}`;
      refusals.set(message, (refusals.get(message) ?? 0) + 1);
    }
    else defect(index, `uncaught ${outcome.error}: ${outcome.message}${outcome.stack ? `\n${outcome.stack}` : ""}`);
  };

  let from: number | undefined = 0;
  while (from !== undefined && from < cases.length && defects.length < maxDefects && seedFailures.length === 0) from = await runWorker(from);

  return {
    target: targetName,
    cases: cases.length,
    ran: read + Object.values(refused).reduce((a, b) => a + b, 0) + defects.length,
    read,
    refused,
    refusals: [...refusals].sort((a, b) => b[1] - a[1]).map(([message, count]) => ({ message, count })),
    defects,
    seedFailures,
    slowestCaseMs: Math.round(slowest),
    peakRssGrowthMb: Math.round((peakRss - baselineRss) / 2 ** 20),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

/** A report as lines a person reads: counts, then each defect with what reproduces it. */
export function describeCampaign(r: CampaignReport): string {
  const refusedText = Object.entries(r.refused).map(([k, v]) => `${k} ${v}`).join(", ") || "none";
  const lines = [
    `${r.target}: ${r.ran} of ${r.cases} cases in ${r.seconds} s — read ${r.read}, refused ${r.ran - r.read - r.defects.length} (${refusedText}), defects ${r.defects.length}; slowest case ${r.slowestCaseMs} ms, peak RSS growth ${r.peakRssGrowthMb} MB`,
  ];
  for (const f of r.seedFailures) lines.push(`  seed failure: ${f}`);
  for (const d of r.defects) lines.push(`  case ${d.index} (${d.seed}, ${d.mutations}): ${d.problem}`);
  return lines.join("\n");
}
