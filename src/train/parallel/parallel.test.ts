// Data-parallel training on worker threads (issue 4): with shard math that is
// equivalent to the full batch (no dropout, no BatchNorm) two threads reach the
// weights one thread does; a fixed seed reproduces itself exactly with dropout
// and BatchNorm; bad options and failing workers give clear errors; nothing
// leaks. The worker runs from dist/ (vitest's global setup builds it).
import { describe, it, expect } from "vitest";
import { tf } from "../../runtime/tfjs/tf.js";
import { initBackend } from "../../runtime/tfjs/backends.js";
import { compile } from "../../runtime/tfjs/compile.js";
import { cnn, mlp } from "../../models/zoo.js";
import { OptionError, TrainingError } from "../../core/errors.js";
import type { Graph } from "../../graph/types.js";
import type { Batch, TrainData } from "../data.js";
import { seededRandom } from "../random.js";
import { modelIO } from "../preflight.js";
import { trainGraph } from "../train-graph.js";
import { disposeGradients } from "../gradients.js";
import { lastParallelProfile, ParallelTrainer, shardSizes } from "./coordinator.js";
import { nativeGemmThreads } from "../../runtime/native-gemm.js";
import { AUTO_MIN_CPUS, chooseWorkers, hasSecondCore, thisMachine } from "./choose.js";

/** Class k: a brighter k-th quarter of the sample, on noise. */
class Quarters implements TrainData {
  constructor(
    private readonly xs: Float32Array,
    private readonly ys: Int32Array,
    private readonly sample: readonly number[],
  ) {}
  static make(n: number, sample: readonly number[], seed: number): Quarters {
    const per = sample.reduce((a, b) => a * b, 1);
    const rand = seededRandom(seed);
    const xs = new Float32Array(n * per);
    const ys = Int32Array.from({ length: n }, (_, i) => i % 4);
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < per; p++) xs[i * per + p] = rand() * 0.5 + (Math.floor((p * 4) / per) === ys[i] ? 1 : 0);
    }
    return new Quarters(xs, ys, sample);
  }
  get length(): number {
    return this.ys.length;
  }
  shuffle(): Quarters {
    return this;
  }
  *batches(size: number): Iterable<Batch> {
    const per = this.sample.reduce((a, b) => a * b, 1);
    for (let s = 0; s < this.length; s += size) {
      const e = Math.min(this.length, s + size);
      yield { x: { dtype: "float32", dims: [e - s, ...this.sample], data: this.xs.slice(s * per, e * per) }, y: this.ys.slice(s, e) };
    }
  }
}

const floats = (g: Graph, name: string) => g.initializers.get(name)!.data as Float32Array;

function maxRelativeDifference(a: Graph, b: Graph): number {
  let worst = 0;
  for (const [name, t] of a.initializers) {
    if (t.dtype !== "float32") continue;
    const x = t.data as Float32Array;
    const y = floats(b, name);
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < x.length; i++) {
      diff = Math.max(diff, Math.abs(x[i]! - y[i]!));
      scale = Math.max(scale, Math.abs(x[i]!));
    }
    worst = Math.max(worst, diff / scale);
  }
  return worst;
}

describe("data-parallel training", () => {
  it("splits a batch into contiguous shards, the first ones one row larger", () => {
    expect(shardSizes(128, 2)).toEqual([64, 64]);
    expect(shardSizes(15, 2)).toEqual([8, 7]);
    expect(shardSizes(1, 2)).toEqual([1, 0]);
  });

  it("2 threads reach the weights 1 thread does after 3 SGD steps (uneven last shard too)", async () => {
    const graph = mlp([48, 32, 4], { seed: 3 });
    // 45 samples, batch 15: shards of 8 and 7 rows, weighted 8/15 and 7/15.
    const options = { data: Quarters.make(45, [48], 1), epochs: 1, batchSize: 15, lr: 0.1, optimizer: "sgd" as const, momentum: 0, seed: 2, display: false };
    const losses = (runs: number[][]) => (r: { loss: number }) => runs.at(-1)!.push(r.loss);
    const curves: number[][] = [];
    curves.push([]);
    const one = await trainGraph(graph, { ...options, workers: 1, onBatch: losses(curves) });
    curves.push([]);
    const threads = nativeGemmThreads();
    const two = await trainGraph(graph, { ...options, workers: 2, onBatch: losses(curves) });
    // Each thread's native GEMM got half the cores (at least one), and the main thread's count came back.
    const share = Math.max(1, Math.floor(threads / 2));
    expect(lastParallelProfile()!.nativeGemmThreads).toEqual([share, share]);
    expect(nativeGemmThreads()).toBe(threads);
    expect(one.metrics.workers).toBe(1);
    expect(two.metrics.workers).toBe(2);
    expect(one.metrics.steps).toBe(3);
    // The run moved the weights, so agreeing is not agreeing on the initial values.
    expect(maxRelativeDifference(one.graph, graph)).toBeGreaterThan(1e-3);
    expect(maxRelativeDifference(two.graph, one.graph)).toBeLessThan(1e-5);
    curves[1]!.forEach((loss, i) => expect(loss).toBeCloseTo(curves[0]![i]!, 5));
    expect(two.metrics.accuracy).toBeCloseTo(one.metrics.accuracy, 10);
  });

  it("a fixed seed with 2 threads reproduces itself exactly (dropout, BatchNorm), without leaking tensors", async () => {
    const withDropout = mlp([48, 32, 4], { seed: 4, dropout: 0.3 });
    const data = Quarters.make(64, [48], 5);
    const options = { data, epochs: 2, batchSize: 16, lr: 1e-2, seed: 9, workers: 2, display: false };
    const first = await trainGraph(withDropout, options);
    const before = tf.memory().numTensors;
    const second = await trainGraph(withDropout, options);
    expect(tf.memory().numTensors).toBe(before);
    expect(floats(second.graph, "fc1.weight")).toEqual(floats(first.graph, "fc1.weight"));
    // Another seed gives other dropout masks, so other weights: the seed reaches the shards.
    const other = await trainGraph(withDropout, { ...options, seed: 10 });
    expect(floats(other.graph, "fc1.weight")).not.toEqual(floats(first.graph, "fc1.weight"));

    const bn = cnn({ channels: [4, 8], input: [1, 8, 8], classes: 4, seed: 1 });
    const images = Quarters.make(64, [1, 8, 8], 6);
    const bnOptions = { data: images, epochs: 2, batchSize: 16, lr: 3e-3, seed: 5, workers: 2, display: false };
    const a = await trainGraph(bn, bnOptions);
    const b = await trainGraph(bn, bnOptions);
    expect(floats(a.graph, "bn1.running_mean")).not.toEqual(floats(bn, "bn1.running_mean"));
    expect(floats(b.graph, "bn1.running_mean")).toEqual(floats(a.graph, "bn1.running_mean"));
    expect(floats(b.graph, "conv1.weight")).toEqual(floats(a.graph, "conv1.weight"));
  });

  it("\"auto\" keeps small steps, custom losses and other backends on one thread", () => {
    const big = { workers: "auto" as const, backend: "wasm", parameters: 2_400_000, batchSize: 128, customLoss: false, nativeGemm: false };
    // Dense products on onnxruntime's GEMM already use every core: a step split only for its parameters stays on one thread.
    expect(chooseWorkers({ ...big, nativeGemm: true }, { logical: 2, physical: 2 })).toEqual({ workers: 1, reason: "onnxruntime's native GEMM already runs the dense products on every core" });
    expect(chooseWorkers({ ...big, nativeGemm: true, parameters: 78_000, macsPerSample: 10_000_000 }, { logical: 2, physical: 2 }).workers).toBe(2);
    // Two where a second core exists (the worker is built by the global setup).
    expect(chooseWorkers(big).workers).toBe(hasSecondCore(thisMachine()) ? 2 : 1);
    expect(chooseWorkers(big, { logical: 2, physical: 2 }).workers).toBe(2);
    expect(chooseWorkers(big, { logical: 2, physical: 1 })).toEqual({ workers: 1, reason: "one physical core (2 logical CPUs)" });
    expect(chooseWorkers(big, { logical: 1, physical: 8 }).workers).toBe(1); // this process may use one CPU of eight cores
    expect(chooseWorkers(big, { logical: AUTO_MIN_CPUS }).workers).toBe(2);
    expect(chooseWorkers(big, { logical: 2 }).reason).toMatch(/no core ids to tell cores from hyperthreads/);
    expect(chooseWorkers({ ...big, parameters: 60_000 }).workers).toBe(1);
    const twoCores = { logical: 2, physical: 2 };
    expect(chooseWorkers({ ...big, parameters: 78_000, macsPerSample: 10_000_000 }, twoCores).workers).toBe(2); // ResNet-8-like
    expect(chooseWorkers({ ...big, parameters: 61_000, macsPerSample: 420_000 }, twoCores).reason).toMatch(/step too small \(61000 parameters, 53760000 MACs per batch/);
    expect(chooseWorkers({ ...big, batchSize: 16 }).workers).toBe(1);
    expect(chooseWorkers({ ...big, customLoss: true }).workers).toBe(1);
    expect(chooseWorkers({ ...big, backend: "webgpu" }).workers).toBe(1);
    expect(() => chooseWorkers({ ...big, workers: 2, backend: "webgpu" })).toThrow(/backend "webgpu" does not run on worker threads/);
  });

  it("rejects bad workers values and a custom loss with explicit workers, saying why", async () => {
    const graph = mlp([48, 8, 4]);
    const data = Quarters.make(16, [48], 1);
    for (const workers of [0, 1.5, "two", 65]) {
      await expect(trainGraph(graph, { data, workers: workers as number, display: false })).rejects.toThrow(/workers must be "auto" or a whole number in \[1, 64\]/);
    }
    const loss = (outputs: Record<string, tf.Tensor>) => tf.mean(Object.values(outputs)[0]!) as tf.Scalar;
    const error = await trainGraph(graph, { data, workers: 2, loss, display: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptionError);
    expect((error as Error).message).toMatch(/workers: 2 cannot be used with a custom loss function: a function cannot be sent to a worker thread/);
    // "auto" with a custom loss quietly uses one thread.
    const { metrics } = await trainGraph(graph, { data, workers: "auto", loss, epochs: 1, display: false });
    expect(metrics.workers).toBe(1);
  });

  it("a worker that throws fails the step with an error naming the worker, and is terminated", async () => {
    await initBackend("wasm");
    const graph = mlp([48, 8, 4]);
    const model = await compile(graph, { training: true });
    const throwing = `
      const { parentPort } = require("node:worker_threads");
      parentPort.on("message", (m) => {
        if (m.type === "init") parentPort.postMessage({ type: "ready" });
        else throw new Error("shard exploded");
      });`;
    const trainer = await ParallelTrainer.start({ graph, model, io: modelIO(graph), variables: model.variables, workers: 2, backend: "wasm", seed: 0, script: throwing });
    const before = tf.memory().numTensors;
    const batch = [...(Quarters.make(8, [48], 1).batches(8) as Iterable<Batch>)][0]!;
    try {
      const error = await trainer.step(batch, 0).then(disposeGradients, (e: unknown) => e);
      expect(error).toBeInstanceOf(TrainingError);
      expect((error as Error).message).toMatch(/training worker 1 crashed: shard exploded/);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      await trainer.close();
      model.dispose();
    }

    const failingInit = `require("node:worker_threads").parentPort.on("message", () => { throw new Error("no wasm here"); });`;
    const model2 = await compile(graph, { training: true });
    try {
      await expect(ParallelTrainer.start({ graph, model: model2, io: modelIO(graph), variables: model2.variables, workers: 2, backend: "wasm", seed: 0, script: failingInit })).rejects.toThrow(
        /training worker 1 crashed: no wasm here/,
      );
    } finally {
      model2.dispose();
    }
  });
});
