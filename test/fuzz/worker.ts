// Runs fuzz cases in a worker thread, so the campaign (campaign.ts) can stop a
// hang with terminate() and a heap blow-up kills only this thread. Each case:
// write the mutated file, read it the way `load()` and `compactor convert` do,
// and say how it ended. Reads the compiled sources (dist/), like the CLI tests.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { CompactorError } from "../../src/core/errors.js";
import { detectFormat } from "../../src/formats/registry.js";
import { load } from "../../src/model/load.js";
import { drawCases, readSeeds, type FuzzCase } from "./cases.js";
import { applyMutations } from "./mutations.js";
import { fuzzTarget } from "./targets.js";

export interface WorkerInput {
  readonly target: string;
  readonly root: string;
  readonly runs: number;
  readonly seed: number;
  /** First case to run (after a worker was stopped, the campaign starts a new one past it). */
  readonly from: number;
  /** Harness self-test only: case `probe.at` misbehaves this way instead of reading (campaign.test.ts). */
  readonly probe?: { readonly at: number; readonly kind: Probe };
}

export type Probe = "hang" | "throw" | "heap" | "buffers";

/** Misbehaviour the campaign must catch, for its own test. */
async function misbehave(kind: Probe): Promise<void> {
  if (kind === "hang") for (;;);
  if (kind === "throw") throw new TypeError("probe: a reader bug");
  if (kind === "heap") {
    const hoard: number[][] = [];
    for (;;) hoard.push(new Array(1e6).fill(1.5));
  }
  const buffers: Uint8Array[] = [];
  for (let i = 0; i < 64; i++) buffers.push(new Uint8Array(2 ** 24).fill(1));
  await new Promise((r) => setTimeout(r, 1500));
  buffers.length = 0;
}

export type Outcome =
  | { readonly kind: "read" }
  | { readonly kind: "refused"; readonly error: string; readonly message: string }
  | { readonly kind: "defect"; readonly error: string; readonly message: string; readonly stack?: string };

export type WorkerMessage =
  | { readonly type: "start"; readonly index: number }
  | { readonly type: "end"; readonly index: number; readonly outcome: Outcome }
  | { readonly type: "seeds-read"; readonly failures: readonly string[] }
  | { readonly type: "finished" };

async function readAny(path: string): Promise<void> {
  const format = await detectFormat(path);
  if (format?.kind === "weights" && format.readWeights) await format.readWeights(path);
  else await load(path);
}

async function outcomeOf(path: string, read: (path: string) => Promise<unknown>, probe?: Probe): Promise<Outcome> {
  try {
    await (probe ? misbehave(probe) : read(path));
    return { kind: "read" };
  } catch (e) {
    if (e instanceof CompactorError) return { kind: "refused", error: e.name, message: e.message.slice(0, 300) };
    const error = e instanceof Error ? e : new Error(String(e));
    return { kind: "defect", error: error.name, message: error.message.slice(0, 500), stack: error.stack?.split("\n").slice(0, 8).join("\n") };
  }
}

async function main(input: WorkerInput): Promise<void> {
  const port = parentPort!;
  const target = fuzzTarget(input.target);
  const seeds = readSeeds(target, input.root);
  const read = target.read ?? readAny;
  const caseDir = mkdtempSync(join(tmpdir(), `fuzz-${target.name}-`));
  try {
    if (input.from === 0) {
      // The unmutated seeds must read: otherwise the campaign proves nothing.
      const failures: string[] = [];
      for (const s of seeds) {
        const outcome = await outcomeOf(target.place(caseDir, join(input.root, s.path), s.bytes), read);
        if (outcome.kind !== "read") failures.push(`${s.path}: ${outcome.error}: ${outcome.message}`);
      }
      port.postMessage({ type: "seeds-read", failures } satisfies WorkerMessage);
    }
    const byPath = new Map(seeds.map((s) => [s.path, s.bytes]));
    const cases: FuzzCase[] = drawCases(target, seeds, input.runs, input.seed);
    for (const c of cases.slice(input.from)) {
      port.postMessage({ type: "start", index: c.index } satisfies WorkerMessage);
      const bytes = applyMutations(byPath.get(c.seed)!, c.mutations, target.json);
      const probe = input.probe?.at === c.index ? input.probe.kind : undefined;
      const outcome = await outcomeOf(target.place(caseDir, join(input.root, c.seed), bytes), read, probe);
      port.postMessage({ type: "end", index: c.index, outcome } satisfies WorkerMessage);
    }
    port.postMessage({ type: "finished" } satisfies WorkerMessage);
  } finally {
    rmSync(caseDir, { recursive: true, force: true });
  }
}

void main(workerData as WorkerInput);
