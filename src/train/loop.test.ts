// The loop on a stand-in compiled graph (a dense layer + BatchNorm-like state
// + dropout) and synthetic blobs: learning, reproducibility, leaks, BatchNorm
// state write-back, freezing, interruption and every pre-flight error.
import { describe, it, expect, beforeAll, afterEach } from "vitest";
import "@tensorflow/tfjs-backend-cpu";
import { tf } from "../runtime/tfjs/tf.js";
import { registerTrainingKernels } from "../runtime/tfjs/gradients/index.js";
import { DEFAULT_META, type Graph, type Tensor } from "../graph/types.js";
import { requestInterrupt, resetInterrupt } from "../core/interrupt.js";
import { ShapeError, TrainingError, OptionError } from "../core/errors.js";
import type { TrainableModel, ForwardOptions } from "./compiled.js";
import type { Batch, TrainData } from "./data.js";
import { seededRandom } from "./random.js";
import { trainCompiled, type EpochRecordWithTensors } from "./loop.js";
import { resolveOptions, type TrainOptions } from "./options.js";
import { setDisplaySink } from "../display/sink.js";


const FEATURES = 4;
const CLASSES = 3;

function tinyGraph(classes = CLASSES): Graph {
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
let nextId = 0;
class TinyCompiled implements TrainableModel {
  readonly variables: Map<string, tf.Variable>;
  private pending = new Map<string, tf.Tensor>();
  constructor(private readonly graph: Graph) {
    this.variables = new Map(
      [...graph.initializers].map(([name, t]) => [name, tf.tidy(() => tf.variable(tf.tensor(t.data as Float32Array, [...t.dims]), true, `${name}_${nextId++}`))]),
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
  async exportGraph(): Promise<Graph> {
    const initializers = new Map<string, Tensor>();
    for (const [name, t] of this.graph.initializers) {
      initializers.set(name, { dtype: "float32", dims: t.dims, data: (await this.variables.get(name)!.data()) as Float32Array });
    }
    return { ...this.graph, initializers };
  }
  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
  }
}

class BlobData implements TrainData {
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

async function run(options: Partial<TrainOptions>, graph = tinyGraph()) {
  const model = new TinyCompiled(graph);
  try {
    const resolved = resolveOptions({ data: BlobData.make(240, 1), epochs: 3, batchSize: 32, lr: 0.05, display: false, ...options });
    return await trainCompiled(graph, model, resolved, tf.getBackend());
  } finally {
    model.dispose();
  }
}

const weights = (g: Graph, name: string) => Array.from(g.initializers.get(name)!.data as Float32Array);

describe("trainCompiled", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
    registerTrainingKernels("cpu");
  });
  afterEach(() => resetInterrupt());

  it("learns separable blobs with each optimizer and reports metrics", async () => {
    for (const optimizer of ["sgd", "adam", "adamw"] as const) {
      const { metrics, history } = await run({ optimizer, validation: BlobData.make(90, 2), weightDecay: 1e-4, epochs: 5 });
      expect(history[0]!.loss, optimizer).toBeGreaterThan(history[history.length - 1]!.loss);
      expect(metrics.accuracy, optimizer).toBeGreaterThan(0.85); // last epoch's mean, with dropout
      expect(metrics.validationAccuracy!, optimizer).toBeGreaterThan(0.9);
      expect(metrics.samplesPerSec).toBeGreaterThan(0);
      expect(metrics.backend).toBe("cpu");
      expect(metrics.steps).toBe(5 * Math.ceil(240 / 32));
      expect(metrics.interrupted).toBe(false);
    }
  });

  it("is reproducible: same seed → identical weights; another seed → different", async () => {
    const a = await run({ seed: 7, augment: undefined, optimizer: "sgd", nesterov: true });
    const b = await run({ seed: 7, optimizer: "sgd", nesterov: true });
    const c = await run({ seed: 8, optimizer: "sgd", nesterov: true });
    expect(weights(a.graph, "W")).toEqual(weights(b.graph, "W"));
    expect(weights(a.graph, "W")).not.toEqual(weights(c.graph, "W"));
  });

  it("keeps the number of live tensors constant from epoch to epoch", async () => {
    const before = tf.memory().numTensors;
    const { history } = await run({ epochs: 4, validation: BlobData.make(60, 3), schedule: { type: "cosine" }, warmupSteps: 3 });
    const counts = (history as EpochRecordWithTensors[]).map((h) => h.tensors);
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("writes BatchNorm running statistics back into the exported graph, and leaves frozen weights alone", async () => {
    const graph = tinyGraph();
    const { graph: out } = await run({ freeze: ["b", { opType: "BatchNormalization" }] }, graph);
    expect(weights(out, "mean")).not.toEqual(weights(graph, "mean")); // state updated every step
    expect(weights(out, "b")).toEqual(weights(graph, "b")); // frozen by name
    expect(weights(out, "scale")).toEqual(weights(graph, "scale")); // frozen by consumer op type
    expect(weights(out, "W")).not.toEqual(weights(graph, "W"));
  });

  it("stops after the current batch on interrupt and returns the weights so far", async () => {
    let batches = 0;
    const { metrics, graph } = await run({
      epochs: 5,
      onBatch: () => {
        if (++batches === 3) requestInterrupt();
      },
    });
    expect(metrics.interrupted).toBe(true);
    expect(metrics.steps).toBe(3);
    expect(weights(graph, "W")).not.toEqual(weights(tinyGraph(), "W"));
  });

  it("stops on a non-finite loss naming the epoch, step and learning rate", async () => {
    const data = BlobData.make(64, 1);
    data.xs[70] = Number.NaN; // in sample 17 → the first epoch's batch containing it
    const error = await run({ data, optimizer: "sgd", batchSize: 16 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingError);
    expect((error as Error).message).toMatch(/loss became NaN at epoch 1, step \d+ \(learning rate 0\.0500\)\. Lower lr/);
  });

  it("refuses labels out of range and samples of the wrong shape, naming expected and got", async () => {
    const labels = await run({ data: BlobData.make(30, 1, 1) }).catch((e: unknown) => e);
    expect(labels).toBeInstanceOf(TrainingError);
    expect((labels as Error).message).toMatch(/label 3 is out of range: output "logits" has 3 classes, so labels must be in \[0, 2\]/);

    const wide = BlobData.make(30, 1);
    const wrong = new BlobData(wide.xs, wide.ys.slice(0, 15), [8]);
    const shape = await run({ data: wrong }).catch((e: unknown) => e);
    expect(shape).toBeInstanceOf(ShapeError);
    expect((shape as Error).message).toMatch(/samples are \[8\] but model input "x" takes \[4\] per sample/);
  });

  it("shows one progress bar and one curve, each updated in place, ending with the final metrics", async () => {
    const shown: { text: string; id?: string; update?: boolean; mime: string[] }[] = [];
    setDisplaySink({
      rich: false,
      display: (bundle, options) => shown.push({ text: bundle["text/plain"], id: options?.displayId, update: options?.update, mime: Object.keys(bundle) }),
      clearOutput: () => {},
    });
    try {
      await run({ display: true, validation: BlobData.make(30, 2) });
    } finally {
      setDisplaySink(undefined);
    }
    const ids = new Set(shown.map((s) => s.id));
    expect(ids.size).toBe(2); // the bar and the curve, nothing else
    const bar = shown.filter((s) => s.text.startsWith("train ")).at(-1)!;
    expect(bar.text).toMatch(/720\/720 .*\/s .*loss \d\.\d{4} · acc \d+\.\d\d% · test acc/);
    expect(shown.some((s) => s.mime.includes("application/vnd.plotly.v1+json"))).toBe(true);
  });

  it("lists every bad option at once", () => {
    expect(() => resolveOptions({ data: BlobData.make(3, 1), epochs: 0, lr: -1, optimizer: "rmsprop" as "sgd", bogus: 1 } as TrainOptions)).toThrow(OptionError);
    try {
      resolveOptions({ data: BlobData.make(3, 1), epochs: 0, lr: -1, optimizer: "rmsprop" as "sgd", bogus: 1 } as TrainOptions);
    } catch (e) {
      const message = (e as Error).message;
      expect(message).toMatch(/4 invalid options/);
      expect(message).toMatch(/optimizer must be one of \[sgd, adam, adamw\], got "rmsprop"/);
      expect(message).toMatch(/training option must be one of .*got "bogus"/);
    }
  });
});
