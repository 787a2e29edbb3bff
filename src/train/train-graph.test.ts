// trainGraph end to end on the real compiler and the wasm backend: zoo
// models (a CNN with BatchNorm, LeNet-5, an MLP with dropout) learn a
// synthetic image task; BatchNorm statistics come back in the exported
// graph; runs are reproducible and leak no tensors.
import { describe, it, expect } from "vitest";
import { tf } from "../runtime/tfjs/tf.js";
import { cnn, lenet5, mlp } from "../models/zoo.js";
import type { Graph } from "../graph/types.js";
import type { Batch, TrainData } from "./data.js";
import { seededRandom } from "./random.js";
import { trainGraph, finetuneGraph } from "./train-graph.js";
import type { EpochRecordWithTensors } from "./loop.js";

/**
 * Four classes on noise: "corners" lights a bright 6×6 square in corner k;
 * "textures" draws horizontal stripes, vertical stripes, a checkerboard or
 * nothing (position-free, for nets that end in global average pooling).
 */
class Squares implements TrainData {
  constructor(
    private readonly xs: Float32Array,
    private readonly ys: Int32Array,
    private readonly side: number,
    private readonly flat: boolean,
  ) {}
  static make(n: number, side: number, seed: number, flat = false, kind: "corners" | "textures" = "corners"): Squares {
    const rand = seededRandom(seed);
    const xs = new Float32Array(n * side * side);
    const ys = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const k = i % 4;
      ys[i] = k;
      const r0 = k < 2 ? 1 : side - 7;
      const c0 = k % 2 === 0 ? 1 : side - 7;
      for (let p = 0; p < side * side; p++) xs[i * side * side + p] = rand() * 0.3;
      if (kind === "corners") {
        for (let r = r0; r < r0 + 6; r++) for (let c = c0; c < c0 + 6; c++) xs[i * side * side + r * side + c] += 1;
      } else {
        const on = [(r: number) => r % 2 === 0, (_: number, c: number) => c % 2 === 0, (r: number, c: number) => (r + c) % 2 === 0, () => false][k]!;
        for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) if (on(r, c)) xs[i * side * side + r * side + c] += 1;
      }
    }
    return new Squares(xs, ys, side, flat);
  }
  get length(): number {
    return this.ys.length;
  }
  shuffle(seed: number): Squares {
    const rand = seededRandom(seed);
    const order = Array.from({ length: this.length }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const per = this.side * this.side;
    const xs = new Float32Array(this.xs.length);
    const ys = new Int32Array(this.length);
    order.forEach((from, to) => {
      xs.set(this.xs.subarray(from * per, (from + 1) * per), to * per);
      ys[to] = this.ys[from]!;
    });
    return new Squares(xs, ys, this.side, this.flat);
  }
  *batches(size: number): Iterable<Batch> {
    const per = this.side * this.side;
    for (let s = 0; s < this.length; s += size) {
      const e = Math.min(this.length, s + size);
      const dims = this.flat ? [e - s, per] : [e - s, 1, this.side, this.side];
      yield { x: { dtype: "float32", dims, data: this.xs.slice(s * per, e * per) }, y: this.ys.slice(s, e) };
    }
  }
}

const values = (g: Graph, name: string) => Array.from(g.initializers.get(name)!.data as Float32Array);

describe("trainGraph on wasm", () => {
  it("trains a CNN with BatchNorm, writes running stats back, reproducibly and without leaks", async () => {
    const graph = cnn({ channels: [4, 8], input: [1, 16, 16], classes: 4, seed: 1 });
    const options = { data: Squares.make(256, 16, 1, false, "textures"), validation: Squares.make(64, 16, 2, false, "textures"), epochs: 3, batchSize: 32, lr: 3e-3, seed: 5, display: false };
    const first = await trainGraph(graph, options);
    expect(first.metrics.backend).toBe("wasm");
    expect(first.history[0]!.loss).toBeGreaterThan(first.metrics.loss);
    expect(first.metrics.validationAccuracy!).toBeGreaterThan(0.9);
    expect(values(first.graph, "bn1.running_mean")).not.toEqual(values(graph, "bn1.running_mean"));
    expect(values(first.graph, "bn1.running_var")).not.toEqual(values(graph, "bn1.running_var"));
    const counts = (first.history as EpochRecordWithTensors[]).map((h) => h.tensors);
    expect(new Set(counts).size).toBe(1);

    const before = tf.memory().numTensors;
    const second = await trainGraph(graph, options);
    expect(tf.memory().numTensors).toBe(before);
    expect(values(second.graph, "conv1.weight")).toEqual(values(first.graph, "conv1.weight"));
    expect(values(second.graph, "bn2.running_mean")).toEqual(values(first.graph, "bn2.running_mean"));
  });

  it("trains LeNet-5 (28×28, max pooling) on wasm", async () => {
    const { metrics } = await trainGraph(lenet5({ classes: 4 }), { data: Squares.make(256, 28, 3), epochs: 2, batchSize: 32, lr: 2e-3, display: false });
    expect(metrics.backend).toBe("wasm");
    expect(metrics.accuracy).toBeGreaterThan(0.8);
  });

  it("trains an MLP with dropout and ±2 px shifts; finetune continues from it", async () => {
    const graph = mlp([784, 64, 4], { dropout: 0.5, inputDropout: 0.2 });
    const data = Squares.make(256, 28, 4, true);
    const trained = await trainGraph(graph, { data, epochs: 3, batchSize: 32, augment: { shift: 2 }, seed: 1, display: false });
    expect(trained.metrics.accuracy).toBeGreaterThan(0.8);
    const again = await trainGraph(graph, { data, epochs: 3, batchSize: 32, augment: { shift: 2 }, seed: 1, display: false });
    expect(values(again.graph, "fc1.weight")).toEqual(values(trained.graph, "fc1.weight"));
    const tuned = await finetuneGraph(trained.graph, { data, epochs: 1, display: false, validation: data });
    expect(tuned.metrics.validationAccuracy!).toBeGreaterThan(0.8);
    expect(tuned.history).toHaveLength(1);
  });
});
