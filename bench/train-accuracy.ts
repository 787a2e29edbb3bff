// Test accuracy and training samples/s after the same epochs, ours against
// PyTorch on the same data (issue 14: "the same accuracy as PyTorch after the
// same epochs, ±0.5 pt"): MLP 784-1200-1200-10 and LeNet-5 on the built-in
// MNIST split (8,000 / 2,000), and the ResNet-8-style student on the same
// digits as CIFAR-sized inputs (zero-padded to 32×32, the grey channel
// repeated three times; there is no CIFAR here). Adam lr 1e-3, batch 128,
// no augmentation. Each seed sets both frameworks' initial weights and
// shuffling (each its own generator, so a seed is not the same weights in
// both: the comparison is of means over seeds, with their spread). The split
// goes to an .npz that bench/train_accuracy_torch.py reads.
//
//   npx vite-node bench/train-accuracy.ts -- [--epochs 2] [--seeds 1,2,3] [--models mlp,lenet5,resnet8] [--threads 1] [--out bench/results/x.json]
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { datasets } from "../src/data/index.js";
import { Dataset } from "../src/data/dataset.js";
import { makeTensor } from "../src/graph/tensor.js";
import type { Graph, Tensor } from "../src/graph/types.js";
import { writeNpz } from "../src/formats/numpy/npz.js";
import { lenet5, mlp } from "../src/models/zoo.js";
import { trainGraph } from "../src/train/train-graph.js";
import { trainDataOf } from "../src/train/from-dataset.js";
import { resnet8 } from "./resnet8.js";

const args = process.argv.slice(2);
const value = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const epochs = Number(value("epochs", "2"));
const names = value("models", "mlp,lenet5,resnet8").split(",");
const threads = value("threads", "1");
const out = value("out", "");
const seeds = value("seeds", "1").split(",").map(Number);

/** [N, 784] digits as [N, 3, 32, 32]: 2 px of zeros around, the channel repeated. */
function cifarSized(x: Tensor<"float32">): Tensor<"float32"> {
  const n = x.dims[0]!;
  const data = new Float32Array(n * 3 * 32 * 32);
  for (let s = 0; s < n; s++) {
    for (let c = 0; c < 3; c++) {
      for (let r = 0; r < 28; r++) {
        data.set(x.data.subarray(s * 784 + r * 28, s * 784 + r * 28 + 28), ((s * 3 + c) * 32 + r + 2) * 32 + 2);
      }
    }
  }
  return makeTensor("float32", [n, 3, 32, 32], data);
}

const mnist = await datasets.mnist();
const train = mnist.train.toArrays();
const test = mnist.test.toArrays();
const sampleShape: Record<string, number[]> = { mlp: [784], lenet5: [1, 28, 28], resnet8: [3, 32, 32] };
const graphs: Record<string, (seed: number) => Graph> = {
  mlp: (seed) => mlp([784, 1200, 1200, 10], { seed }),
  lenet5: (seed) => lenet5({ seed }),
  resnet8: (seed) => resnet8({ seed }),
};

const ours: Record<string, unknown>[] = [];
for (const name of names) for (const seed of seeds) {
  const shaped = (x: Tensor<"float32">) => (name === "resnet8" ? cifarSized(x) : makeTensor("float32", [x.dims[0]!, ...sampleShape[name]!], x.data));
  const data = Dataset.fromArrays(shaped(train.x), train.y, { name: "mnist-train" });
  const validation = Dataset.fromArrays(shaped(test.x), test.y, { name: "mnist-test" });
  const cpu0 = process.cpuUsage();
  const result = await trainGraph(graphs[name]!(seed), { data: trainDataOf(data), validation: trainDataOf(validation), epochs, batchSize: 128, lr: 1e-3, seed, display: false, workers: 1 });
  const cpu = process.cpuUsage(cpu0);
  const trainSeconds = result.history.reduce((s, h) => s + h.seconds, 0);
  ours.push({
    model: name,
    seed,
    testAccuracy: result.metrics.validationAccuracy,
    samplesPerSec: Math.round((epochs * train.y.length) / trainSeconds),
    // All epochs with evaluation: CPU seconds of this process over the samples trained.
    samplesPerCpuSec: Math.round((epochs * train.y.length) / ((cpu.user + cpu.system) / 1e6)),
  });
  console.error(JSON.stringify(ours[ours.length - 1]));
}

const dir = mkdtempSync(join(tmpdir(), "compactor-accuracy-"));
const file = join(dir, "mnist_split.npz");
await writeNpz(file, { x_train: train.x, y_train: makeTensor("int32", [train.y.length], train.y), x_test: test.x, y_test: makeTensor("int32", [test.y.length], test.y) });
const env = { ...process.env };
// A user's PyTorch: OpenBLAS without this machine's core-type and cache overrides.
delete env.OPENBLAS_CORETYPE;
delete env.OPENBLAS_L2_SIZE;
const torch = JSON.parse(
  execFileSync("/usr/bin/python3", ["bench/train_accuracy_torch.py", file, "--epochs", String(epochs), "--seeds", seeds.join(","), "--models", names.join(","), "--threads", threads], {
    encoding: "utf8",
    env,
    stdio: ["ignore", "pipe", "inherit"],
  }).trim().split("\n").pop()!,
);
/** Mean and sample standard deviation of each model's test accuracy over the seeds, in percent. */
function summary(rows: readonly { model: string; testAccuracy: number }[]) {
  return Object.fromEntries(
    names.map((name) => {
      const xs = rows.filter((r) => r.model === name).map((r) => 100 * r.testAccuracy);
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
      return [name, { mean: Number(mean.toFixed(2)), sd: Number(sd.toFixed(2)), n: xs.length }];
    }),
  );
}
const oursSummary = summary(ours as { model: string; testAccuracy: number }[]);
const torchSummary = summary(torch.rows);
const difference = Object.fromEntries(names.map((n) => [n, Number((oursSummary[n]!.mean - torchSummary[n]!.mean).toFixed(2))]));
const result = { bench: "train_accuracy", date: new Date().toISOString(), epochs, seeds, node: process.version, loadAverage: (await import("node:os")).loadavg(), ours, torch, summary: { ours: oursSummary, torch: torchSummary, differencePt: difference } };
console.log(JSON.stringify(result));
if (out) writeFileSync(out, JSON.stringify(result, null, 1) + "\n");
