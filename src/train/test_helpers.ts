// Stand-ins used only by this folder's tests: a tiny compiled "graph" (one
// dense layer + a BatchNorm-like running mean, with dropout) and a synthetic
// dataset of three separable blobs. The real compiler and datasets are
// exercised by the trainGraph tests.
import { tf } from "../runtime/tfjs/tf.js";
import { DEFAULT_META, type Graph, type Tensor } from "../graph/types.js";
import type { TrainableModel, ForwardOptions } from "./compiled.js";
import type { Batch, TrainData } from "./data.js";
import { seededRandom } from "./random.js";

export const FEATURES = 4;
export const CLASSES = 3;

export function tinyGraph(classes = CLASSES): Graph {
  const rand = seededRandom(99);
  const init = (dims: number[]): Tensor<"float32"> => ({
    dtype: "float32",
    dims,
    data: Float32Array.from({ length: dims.reduce((a, b) => a * b) }, () => (rand() - 0.5) * 0.2),
  });
  return {
    name: "tiny",
    nodes: [
      { name: "gemm", opType: "Gemm", domain: "", inputs: ["x", "W", "b"], outputs: ["h"], attributes: {} },
      { name: "bn", opType: "BatchNormalization", domain: "", inputs: ["h", "scale", "bias", "mean", "var"], outputs: ["logits"], attributes: {} },
    ],
    inputs: [{ name: "x", dtype: "float32", shape: ["N", FEATURES] }],
    outputs: [{ name: "logits", dtype: "float32", shape: ["N", classes] }],
    initializers: new Map<string, Tensor>([
      ["W", init([FEATURES, classes])],
      ["b", init([classes])],
      ["scale", { dtype: "float32", dims: [classes], data: new Float32Array(classes).fill(1) }],
      ["bias", { dtype: "float32", dims: [classes], data: new Float32Array(classes) }],
      ["mean", { dtype: "float32", dims: [classes], data: new Float32Array(classes) }],
      ["var", { dtype: "float32", dims: [classes], data: new Float32Array(classes).fill(1) }],
    ]),
    valueInfo: new Map(),
    opsets: { "": 17 },
    meta: DEFAULT_META,
  };
}

/** Dense + scale/shift; in training, dropout on the input and a running-mean update of h. */
export class TinyCompiled implements TrainableModel {
  readonly variables: Map<string, tf.Variable>;
  private pending = new Map<string, tf.Tensor>();
  constructor(private readonly graph: Graph) {
    this.variables = new Map(
      [...graph.initializers].map(([name, t]) => [name, tf.variable(tf.tensor(t.data as Float32Array, [...t.dims]), true, `${name}_${Math.random()}`)]),
    );
  }
  forward(feeds: Record<string, tf.Tensor>, options: ForwardOptions): Record<string, tf.Tensor> {
    const v = (n: string) => this.variables.get(n)!;
    let x = feeds.x!;
    if (options.training) x = tf.dropout(x, 0.1, undefined, options.seed);
    const h = tf.add(tf.matMul(x, v("W")), v("b"));
    if (options.training) {
      for (const t of this.pending.values()) t.dispose();
      this.pending = new Map([["mean", tf.keep(tf.add(tf.mul(v("mean"), 0.9), tf.mul(tf.mean(h, 0), 0.1)))]]);
    }
    return { logits: tf.add(tf.mul(h, v("scale")), v("bias")) };
  }
  takeStateUpdates(): Map<string, tf.Tensor> {
    const out = this.pending;
    this.pending = new Map();
    return out;
  }
  exportGraph(): Graph {
    const initializers = new Map<string, Tensor>();
    for (const [name, t] of this.graph.initializers) {
      initializers.set(name, { dtype: "float32", dims: t.dims, data: this.variables.get(name)!.dataSync() as Float32Array });
    }
    return { ...this.graph, initializers };
  }
  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
  }
}

export class BlobData implements TrainData {
  constructor(
    readonly xs: Float32Array,
    readonly ys: Int32Array,
    private readonly sampleDims: number[] = [FEATURES],
  ) {}
  static make(n: number, seed: number, labelOffset = 0): BlobData {
    const rand = seededRandom(seed);
    const xs = new Float32Array(n * FEATURES);
    const ys = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const label = i % CLASSES;
      ys[i] = label + labelOffset;
      for (let f = 0; f < FEATURES; f++) xs[i * FEATURES + f] = (f === label ? 2 : 0) + (rand() - 0.5);
    }
    return new BlobData(xs, ys);
  }
  get length(): number {
    return this.ys.length;
  }
  shuffle(seed: number): BlobData {
    const rand = seededRandom(seed);
    const order = Array.from({ length: this.length }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const per = this.xs.length / this.length;
    const xs = new Float32Array(this.xs.length);
    const ys = new Int32Array(this.length);
    order.forEach((from, to) => {
      xs.set(this.xs.subarray(from * per, (from + 1) * per), to * per);
      ys[to] = this.ys[from]!;
    });
    return new BlobData(xs, ys, this.sampleDims);
  }
  *batches(batchSize: number): Iterable<Batch> {
    const per = this.xs.length / this.length;
    for (let start = 0; start < this.length; start += batchSize) {
      const end = Math.min(this.length, start + batchSize);
      yield {
        x: { dtype: "float32", dims: [end - start, ...this.sampleDims], data: this.xs.slice(start * per, end * per) },
        y: this.ys.slice(start, end),
      };
    }
  }
}
