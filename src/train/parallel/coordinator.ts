// Data-parallel training on worker threads (issue 4). Each batch is cut into
// contiguous shards: the main thread computes shard 0, worker k shard k, each
// with its own tfjs wasm instance. Gradients come back through shared memory
// (layout.ts) and are combined weighted by shard size (each shard's loss is a
// mean) in a fixed order — shard 0, 1, 2, … — so a run is reproducible for a
// fixed seed and worker count. The loop then steps the optimizer on the main
// thread, and the next step() publishes the new weights before the workers start.
//
// BatchNorm: batch statistics are computed per shard, as PyTorch's
// DistributedDataParallel does without SyncBatchNorm; the new running
// statistics are the shards' new running statistics averaged by shard size.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { tf } from "../../runtime/tfjs/tf.js";
import { copyTensorInto } from "../../runtime/tfjs/copy-into.js";
import { nativeGemmThreads, setNativeGemmThreads } from "../../runtime/native-gemm.js";
import { TrainingError } from "../../core/errors.js";
import type { Graph } from "../../graph/types.js";
import type { TrainableModel } from "../compiled.js";
import type { Batch } from "../data.js";
import type { ModelIO } from "../preflight.js";
import { disposeGradients, dropoutSeed, shardGradients, sliceBatch, type ShardGradients } from "../gradients.js";
import { batchNormState, planRegions, sharedFloats, view, type RegionPlan } from "./layout.js";
import type { FromWorker, StepMessage, WorkerTiming } from "./protocol.js";

/** The compiled worker entry: beside this file when running from dist/, else dist/ of the checkout (TypeScript sources under vitest). */
export function workerScript(): URL | undefined {
  const candidates = [new URL("./worker.js", import.meta.url), new URL("../../../dist/src/train/parallel/worker.js", import.meta.url)];
  return candidates.find((url) => url.protocol === "file:" && existsSync(fileURLToPath(url)));
}

export interface ParallelSetup {
  readonly graph: Graph;
  readonly model: TrainableModel;
  readonly io: ModelIO;
  /** Trainable variables by initializer name. */
  readonly variables: ReadonlyMap<string, tf.Variable>;
  /** Number of shards per batch: the main thread plus workers − 1 worker threads. */
  readonly workers: number;
  readonly backend: string;
  readonly seed: number;
  /** Worker entry; tests pass their own. Default: workerScript(). */
  readonly script?: URL | string;
}

/** Mean milliseconds per step of each phase, for the throughput benchmark. */
export interface ParallelProfile {
  /** Starting the workers (threads, wasm, compiling the graph), once per run. */
  readonly startMs: number;
  readonly steps: number;
  readonly main: { readonly publishMs: number; readonly computeMs: number; readonly waitMs: number; readonly combineMs: number; readonly outsideMs: number };
  /** Worker 1's phases. */
  readonly worker: WorkerTiming;
  /** Native GEMM threads of the main thread, then of each worker: the cores shared out, not each thread taking all. */
  readonly nativeGemmThreads: readonly number[];
}

let lastProfile: ParallelProfile | undefined;
/** The profile of the last data-parallel run in this process (benchmarks read it). */
export function lastParallelProfile(): ParallelProfile | undefined {
  return lastProfile;
}

type Done = Extract<FromWorker, { type: "done" }>;

class WorkerHandle {
  private pending: { resolve: (m: FromWorker) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;
  private closing = false;

  constructor(
    readonly index: number,
    readonly worker: Worker,
  ) {
    worker.on("message", (m: FromWorker) => {
      if (m.type === "error") this.fail(new TrainingError(`training worker ${index} failed: ${m.message}`, { details: { worker: index, stack: m.stack } }));
      else this.settle((p) => p.resolve(m));
    });
    worker.on("error", (e: Error) => this.fail(new TrainingError(`training worker ${index} crashed: ${e.message}`, { details: { worker: index, stack: e.stack } }, { cause: e })));
    worker.on("exit", (code) => {
      if (!this.closing) this.fail(new TrainingError(`training worker ${index} exited unexpectedly (exit code ${code})`, { details: { worker: index, code } }));
    });
  }

  request(message: unknown, transfer: ArrayBuffer[] = []): Promise<FromWorker> {
    if (this.failure) return Promise.reject(this.failure);
    const reply = new Promise<FromWorker>((resolve, reject) => (this.pending = { resolve, reject }));
    // The main thread awaits this only after its own shard: keep an early rejection from counting as unhandled.
    reply.catch(() => undefined);
    this.worker.postMessage(message, transfer);
    return reply;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.settle((p) => p.reject(this.failure!));
  }

  private settle(action: (p: NonNullable<WorkerHandle["pending"]>) => void): void {
    const p = this.pending;
    this.pending = undefined;
    if (p) action(p);
  }
}

export class ParallelTrainer {
  private readonly totals = { publishMs: 0, computeMs: 0, waitMs: 0, combineMs: 0, outsideMs: 0, copyInMs: 0, workerComputeMs: 0, copyOutMs: 0 };
  private steps = 0;
  private lastEnd: number | undefined;
  private startMs = 0;
  /** The main thread's native GEMM threads before the run (restored by close) and each thread's during it. */
  private threadsBefore = 0;
  private threads: number[] = [];

  private constructor(
    private readonly setup: ParallelSetup,
    private readonly handles: readonly WorkerHandle[],
    private readonly weightPlan: RegionPlan,
    private readonly gradPlan: RegionPlan,
    private readonly weights: Float32Array,
    private readonly grads: readonly Float32Array[],
    private readonly control: Int32Array,
  ) {}

  get workers(): number {
    return this.handles.length + 1;
  }

  /** Starts workers − 1 threads, compiles the graph in each and waits until all are ready. */
  static async start(setup: ParallelSetup): Promise<ParallelTrainer> {
    const started = performance.now();
    const script = setup.script ?? workerScript();
    if (script === undefined) throw new TrainingError("the training worker is not built: run `npm run build` (it compiles dist/src/train/parallel/worker.js)");
    const { model, variables } = setup;
    const mirrored = batchNormState(setup.graph);
    const published = [...model.variables].filter(([name, v]) => v.dtype === "float32" && (variables.has(name) || mirrored.has(name)));
    const weightPlan = planRegions(published.map(([name, v]) => ({ name, shape: v.shape })));
    const gradPlan = planRegions([...variables].map(([name, v]) => ({ name, shape: v.shape })));
    const weights = sharedFloats(weightPlan.length);
    const control = new Int32Array(new SharedArrayBuffer(4 * setup.workers));
    const handles: WorkerHandle[] = [];
    const grads: Float32Array[] = [];
    const ready: Promise<FromWorker>[] = [];
    // Each thread's native GEMM sessions get a share of the cores: with all of
    // them each, the threads' pools would oversubscribe every core.
    const threadsBefore = nativeGemmThreads();
    const share = Math.max(1, Math.floor(threadsBefore / setup.workers));
    setNativeGemmThreads(share);
    const threads = [share];
    try {
      // All started before any is awaited, so their wasm instances initialize in parallel.
      for (let index = 1; index < setup.workers; index++) {
        const buffer = sharedFloats(gradPlan.length);
        grads.push(buffer);
        const handle = new WorkerHandle(index, typeof script === "string" ? new Worker(script, { eval: true }) : new Worker(script));
        handles.push(handle);
        const init = {
          type: "init",
          index,
          graph: setup.graph,
          backend: setup.backend,
          gradRegions: gradPlan.regions,
          weightRegions: weightPlan.regions,
          weights,
          grads: buffer,
          control,
          nativeGemmThreads: share,
        } as const;
        ready.push(handle.request(init));
      }
      for (const reply of ready) {
        const r = await reply;
        threads.push(r.type === "ready" ? (r.nativeGemmThreads ?? 0) : 0); // 0: the worker did not say
      }
    } catch (e) {
      await Promise.all(handles.map((h) => h.close()));
      setNativeGemmThreads(threadsBefore);
      throw e;
    }
    const trainer = new ParallelTrainer(setup, handles, weightPlan, gradPlan, weights, grads, control);
    trainer.startMs = performance.now() - started;
    trainer.threadsBefore = threadsBefore;
    trainer.threads = threads;
    return trainer;
  }

  /** Gradients of the whole batch (shards combined), its mean loss, correct count and BatchNorm state. */
  async step(batch: Batch, step: number): Promise<ShardGradients> {
    const t0 = performance.now();
    if (this.lastEnd !== undefined) this.totals.outsideMs += t0 - this.lastEnd;
    this.publish();
    const t1 = performance.now();
    const n = batch.y.length;
    const sizes = shardSizes(n, this.workers);
    const starts = sizes.map((_, k) => sizes.slice(0, k).reduce((a, b) => a + b, 0));
    const replies = this.handles.map((handle, i) => {
      const k = i + 1;
      if (sizes[k] === 0) return undefined;
      const shard = sliceBatch(batch, starts[k]!, sizes[k]!);
      // Copies of just this shard (cloning a view would send the whole batch's buffer), moved, not cloned.
      const x = shard.x.data.slice();
      const y = shard.y.slice();
      const message: StepMessage = { type: "step", step, seed: dropoutSeed(this.setup.seed, step, k), scale: sizes[k]! / n, dims: shard.x.dims, x, y };
      return handle.request(message, [x.buffer, y.buffer]);
    });
    const { model, io, variables } = this.setup;
    const own = await shardGradients(model, io, variables, sliceBatch(batch, 0, sizes[0]!), dropoutSeed(this.setup.seed, step, 0), undefined, sizes[0]! / n);
    const t2 = performance.now();
    let done: (Done | undefined)[];
    try {
      done = (await Promise.all(replies)) as (Done | undefined)[];
    } catch (e) {
      disposeGradients(own);
      throw e;
    }
    const t3 = performance.now();
    try {
      done.forEach((d, i) => {
        if (d !== undefined && Atomics.load(this.control, i + 1) !== step + 1) {
          throw new Error(`training worker ${i + 1} reported step ${d.step} but its shared region holds step ${Atomics.load(this.control, i + 1) - 1}`);
        }
      });
      const combined = this.combine(own, done, sizes.map((s) => s / n));
      const t4 = performance.now();
      this.record(t1 - t0, t2 - t1, t3 - t2, t4 - t3, done[0]?.timing);
      this.lastEnd = performance.now();
      return combined;
    } finally {
      disposeGradients(own);
    }
  }

  /** Terminates the workers and keeps the profile. */
  async close(): Promise<void> {
    await Promise.all(this.handles.map((h) => h.close()));
    if (this.threadsBefore > 0) setNativeGemmThreads(this.threadsBefore);
    if (this.steps > 0) {
      const per = (v: number) => Math.round((v / this.steps) * 100) / 100;
      const t = this.totals;
      lastProfile = {
        startMs: Math.round(this.startMs),
        steps: this.steps,
        main: { publishMs: per(t.publishMs), computeMs: per(t.computeMs), waitMs: per(t.waitMs), combineMs: per(t.combineMs), outsideMs: per(t.outsideMs) },
        worker: { copyInMs: per(t.copyInMs), computeMs: per(t.workerComputeMs), copyOutMs: per(t.copyOutMs) },
        nativeGemmThreads: this.threads,
      };
    }
  }

  /** Writes the main thread's current weights and BatchNorm state where the workers read them. */
  private publish(): void {
    for (const region of this.weightPlan.regions) {
      copyTensorInto(this.setup.model.variables.get(region.name)!, view(this.weights, region));
    }
  }

  /**
   * Σ_k (n_k / n) · g_k in shard order. Each shard already differentiated its
   * loss times n_k / n, so this is a sum; a shard without a gradient for a
   * variable adds nothing.
   */
  private combine(own: ShardGradients, done: readonly (Done | undefined)[], weights: readonly number[]): ShardGradients {
    const grads = new Map<string, tf.Tensor>();
    for (const region of this.gradPlan.regions) {
      const g = tf.tidy(() => {
        let sum = own.grads.get(region.name);
        done.forEach((d, i) => {
          if (d === undefined || d.missing.includes(region.name)) return;
          const theirs = tf.tensor(view(this.grads[i]!, region), region.shape as number[], "float32");
          sum = sum === undefined ? theirs : tf.add(sum, theirs);
        });
        // A clone: where no worker contributed, `sum` is the main shard's own tensor, which disposeGradients(own) frees.
        return sum === undefined ? undefined : tf.clone(sum);
      });
      if (g !== undefined) grads.set(region.name, g);
    }
    const state = new Map<string, tf.Tensor>();
    for (const [name, mine] of own.state) {
      state.set(
        name,
        tf.tidy(() => {
          let sum = tf.mul(mine, weights[0]!);
          done.forEach((d, i) => {
            const theirs = d?.state.find(([n]) => n === name)?.[1];
            if (theirs !== undefined) sum = tf.add(sum, tf.mul(tf.tensor(theirs, mine.shape, "float32"), weights[i + 1]!));
          });
          return sum;
        }),
      );
    }
    const loss = done.reduce((acc, d, i) => acc + (d ? d.loss * weights[i + 1]! : 0), own.loss * weights[0]!);
    const correct = done.reduce((acc, d) => acc + (d ? d.correct : 0), own.correct);
    return { loss, correct, grads, state };
  }

  private record(publishMs: number, computeMs: number, waitMs: number, combineMs: number, worker: WorkerTiming | undefined): void {
    const t = this.totals;
    t.publishMs += publishMs;
    t.computeMs += computeMs;
    t.waitMs += waitMs;
    t.combineMs += combineMs;
    t.copyInMs += worker?.copyInMs ?? 0;
    t.workerComputeMs += worker?.computeMs ?? 0;
    t.copyOutMs += worker?.copyOutMs ?? 0;
    this.steps++;
  }
}

/** n rows in `count` contiguous shards, the first n % count one row larger. */
export function shardSizes(n: number, count: number): number[] {
  const base = Math.floor(n / count);
  return Array.from({ length: count }, (_, k) => base + (k < n % count ? 1 : 0));
}
