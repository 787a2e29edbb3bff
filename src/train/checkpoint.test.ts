// Checkpoints on the real compiler and the wasm backend: a seeded run that is
// interrupted and resumed from its checkpoint ends with exactly the weights of
// the same run left alone (Adam on our fused kernel with BatchNorm state and
// shifted images; SGD with momentum, dropout and a cosine schedule stopped at
// an epoch boundary); a finished run started again trains nothing; another run
// in the same folder starts fresh; damaged checkpoints and bad options fail
// with errors that say what to do.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cnn, mlp } from "../models/zoo.js";
import type { Graph } from "../graph/types.js";
import { FormatError, OptionError } from "../core/errors.js";
import { requestInterrupt, resetInterrupt } from "../core/interrupt.js";
import { decodeNpz } from "../formats/numpy/npz.js";
import type { Batch, TrainData } from "./data.js";
import { Random } from "../core/random.js";
import { seededRandom } from "./random.js";
import { trainGraph, type TrainResult } from "./train-graph.js";
import type { TrainOptions } from "./options.js";

/** Seeded noise images whose class is the brightest quadrant; shuffles are seeded too. */
class Quadrants implements TrainData {
  private constructor(
    private readonly xs: Float32Array,
    private readonly ys: Int32Array,
    private readonly dims: readonly number[],
    private readonly order: Int32Array,
  ) {}
  static make(n: number, dims: readonly number[], seed: number): Quadrants {
    const rand = seededRandom(seed);
    const per = dims.reduce((a, b) => a * b, 1);
    const xs = Float32Array.from({ length: n * per }, () => rand() * 0.5);
    const ys = Int32Array.from({ length: n }, (_, i) => i % 4);
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < per; p++) {
        const row = Math.floor(p / 28) % 28;
        const col = p % 28;
        if ((row < 14 ? 0 : 2) + (col < 14 ? 0 : 1) === ys[i]) xs[i * per + p]! += 0.5;
      }
    }
    return new Quadrants(xs, ys, dims, Int32Array.from({ length: n }, (_, i) => i));
  }
  get length(): number {
    return this.order.length;
  }
  shuffle(seed: number): Quadrants {
    return new Quadrants(this.xs, this.ys, this.dims, new Random(seed).permutation(this.order.length));
  }
  *batches(size: number): Iterable<Batch> {
    const per = this.dims.reduce((a, b) => a * b, 1);
    for (let s = 0; s < this.order.length; s += size) {
      const idx = this.order.subarray(s, s + size);
      const data = new Float32Array(idx.length * per);
      idx.forEach((j, k) => data.set(this.xs.subarray(j * per, (j + 1) * per), k * per));
      yield { x: { dtype: "float32", dims: [idx.length, ...this.dims], data }, y: Int32Array.from(idx, (j) => this.ys[j]!) };
    }
  }
}

const tmp = mkdtempSync(join(tmpdir(), "compactor-checkpoint-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => resetInterrupt());

function weightsOf(graph: Graph): Map<string, Float32Array> {
  return new Map([...graph.initializers].filter(([, t]) => t.dtype === "float32").map(([name, t]) => [name, t.data as Float32Array]));
}

/** The run stopped by an interrupt after global step `stopAfter`, then started again from its checkpoint. */
async function interruptedAndResumed(graph: Graph, options: TrainOptions, stopAfter: number): Promise<{ first: TrainResult; second: TrainResult }> {
  const first = await trainGraph(graph, {
    ...options,
    onBatch: (r) => {
      if (r.step === stopAfter) requestInterrupt("test");
    },
  });
  resetInterrupt();
  const second = await trainGraph(graph, options);
  return { first, second };
}

describe("training checkpoints", () => {
  it("resume an Adam run (BatchNorm, shifted images) mid-epoch to exactly the uninterrupted weights", async () => {
    const graph = cnn({ channels: [4, 8], seed: 5 });
    const data = Quadrants.make(96, [1, 28, 28], 1);
    const base: TrainOptions = { data, validation: Quadrants.make(32, [1, 28, 28], 2), epochs: 2, batchSize: 16, seed: 3, augment: { shift: 2 }, display: false, workers: 1 };
    const alone = await trainGraph(graph, base);
    const dir = join(tmp, "adam");
    const { first, second } = await interruptedAndResumed(graph, { ...base, checkpoint: { every: 4, dir } }, 7);

    expect(first.metrics.interrupted).toBe(true);
    expect(first.metrics.steps).toBe(8);
    expect(second.metrics.resumedAtStep).toBe(8);
    expect(second.metrics.steps).toBe(12);
    expect(second.metrics.interrupted).toBe(false);
    expect(weightsOf(second.graph)).toEqual(weightsOf(alone.graph));
    // BatchNorm running statistics are part of it (they are not trained, so this is the state write-back).
    expect(second.graph.initializers.get("bn1.running_mean")!.data).toEqual(alone.graph.initializers.get("bn1.running_mean")!.data);
    expect(second.history.map((h) => h.loss)).toEqual(alone.history.map((h) => h.loss));
    expect(second.metrics.validationAccuracy).toBe(alone.metrics.validationAccuracy);
    expect(readdirSync(dir).filter((f) => f.endsWith(".npz"))).toHaveLength(1);
  });

  it("resume SGD with momentum, dropout and a cosine schedule stopped at an epoch boundary", async () => {
    const graph = mlp([784, 32, 4], { dropout: 0.3, seed: 2 });
    const data = Quadrants.make(80, [784], 4);
    const base: TrainOptions = { data, epochs: 3, batchSize: 16, seed: 11, optimizer: "sgd", lr: 0.05, momentum: 0.9, schedule: { type: "cosine" }, display: false, workers: 1 };
    const alone = await trainGraph(graph, base);
    const dir = join(tmp, "sgd");
    const { first, second } = await interruptedAndResumed(graph, { ...base, checkpoint: { every: 3, dir } }, 4);
    expect(first.metrics.steps).toBe(5);
    expect(second.metrics.resumedAtStep).toBe(5);
    expect(weightsOf(second.graph)).toEqual(weightsOf(alone.graph));
    expect(second.history.map((h) => h.accuracy)).toEqual(alone.history.map((h) => h.accuracy));
  });

  it("start a finished run again without training; another run in the same folder starts fresh beside it", async () => {
    const graph = mlp([784, 8, 4], { seed: 1 });
    const dir = join(tmp, "finished");
    const options: TrainOptions = { data: Quadrants.make(32, [784], 5), epochs: 1, batchSize: 16, seed: 1, display: false, checkpoint: { every: 100, dir } };
    const done = await trainGraph(graph, options);
    let batches = 0;
    const again = await trainGraph(graph, { ...options, onBatch: () => batches++ });
    expect(batches).toBe(0);
    expect(again.metrics.resumedAtStep).toBe(2);
    expect(weightsOf(again.graph)).toEqual(weightsOf(done.graph));
    expect(again.metrics.loss).toBe(done.metrics.loss);

    const other = await trainGraph(graph, { ...options, lr: 3e-3, onBatch: () => batches++ });
    expect(batches).toBe(2);
    expect(other.metrics.resumedAtStep).toBeNull();
    expect(readdirSync(dir).filter((f) => f.endsWith(".npz"))).toHaveLength(2);
  });

  it("write a readable .npz: weights in the model's layout, Adam's moments, the position", async () => {
    const graph = mlp([784, 8, 4], { seed: 1 });
    const dir = join(tmp, "layout");
    await trainGraph(graph, { data: Quadrants.make(32, [784], 5), epochs: 1, batchSize: 16, display: false, checkpoint: { every: 1, dir } });
    const [file] = readdirSync(dir);
    const arrays = decodeNpz(readFileSync(join(dir, file!)));
    const meta = JSON.parse(new TextDecoder().decode(arrays.get("meta")!.data as Uint8Array));
    expect(meta).toMatchObject({ format: "compactor-checkpoint", version: 1, optimizerStep: 2, position: { epoch: 2, batch: 0, step: 2, complete: true } });
    expect(arrays.get("variable/fc1.weight")!.data).toHaveLength(784 * 8);
    expect(arrays.get("optimizer/m/fc1.weight")!.data).toHaveLength(784 * 8);
    expect(arrays.get("optimizer/v/fc2.bias")!.data).toHaveLength(4);
  });

  it("refuse a damaged or foreign checkpoint, saying which file to delete", async () => {
    const graph = mlp([784, 8, 4], { seed: 1 });
    const dir = join(tmp, "damaged");
    const options: TrainOptions = { data: Quadrants.make(32, [784], 5), epochs: 1, batchSize: 16, display: false, checkpoint: { every: 1, dir } };
    await trainGraph(graph, options);
    const [file] = readdirSync(dir);
    writeFileSync(join(dir, file!), readFileSync(join(dir, file!)).subarray(0, 300));
    const error = await trainGraph(graph, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toContain(file!);
  });

  it("list every bad checkpoint option at once", () => {
    const data = Quadrants.make(16, [784], 5);
    const attempt = trainGraph(mlp([784, 4]), { data, checkpoint: { every: 0, dir: "", keep: 3 } as never });
    return expect(attempt).rejects.toSatisfy((e: unknown) => {
      const message = (e as Error).message;
      return e instanceof OptionError && message.includes("checkpoint.every") && message.includes("checkpoint.dir") && message.includes('"keep"');
    });
  });
});
