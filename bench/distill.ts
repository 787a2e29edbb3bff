// Hinton-style distillation table on the built-in MNIST split (8,000 / 2,000):
// teacher 784-1200-1200-10 (dropout 0.5, input dropout 0.2, ±2 px shifts);
// students trained alone and distilled (T=4, α=0.9), unregularized; mean over
// seeds. Also the 784-30-10 student, too small for distillation to help.
// Writes the split to an .npz so bench/distill_torch.py trains PyTorch on the
// very same samples in the same run.
//
//   npx vite-node bench/distill.ts -- [--teacher-epochs 30] [--student-epochs 20] [--seeds 3] [--torch]
//
// Prints one JSON document (per-seed and mean accuracies, gap closed).
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { datasets } from "../src/data/index.js";
import { writeNpz } from "../src/formats/numpy/npz.js";
import { setDisplaySink } from "../src/display/sink.js";
import { makeTensor } from "../src/graph/tensor.js";
import { models } from "../src/models/index.js";
import { train } from "../src/train/steps.js";
import { distill } from "../src/compress/distill/index.js";

const args = process.argv.slice(2);
const value = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : fallback;
};
const teacherEpochs = value("teacher-epochs", 30);
const studentEpochs = value("student-epochs", 20);
const seeds = value("seeds", 3);
const withTorch = args.includes("--torch");

// Step reports go to stderr: stdout carries the one JSON document.
setDisplaySink({ rich: false, clearOutput() {}, display: (b, o) => void (o?.live === "partial" || (o?.update && o.live !== "final") || process.stderr.write(b["text/plain"] + "\n")) });
const mnist = await datasets.mnist();
const quiet = { display: false, batchSize: 128, lr: 1e-3, optimizer: "adam" } as const;
const students = [[784, 300, 100, 10], [784, 30, 10]] as const;

type Row = { seed: number; teacher: number; [student: string]: number };
const rows: Row[] = [];
const started = performance.now();
for (let seed = 1; seed <= seeds; seed++) {
  const t0 = performance.now();
  const teacher = await models
    .mlp([784, 1200, 1200, 10], { dropout: 0.5, inputDropout: 0.2, seed })
    .apply(train({ data: mnist.train, epochs: teacherEpochs, augment: { shift: 2 }, seed, ...quiet }));
  const row: Row = { seed, teacher: (await teacher.evaluate(mnist.test)).accuracy, teacherSeconds: (performance.now() - t0) / 1000 };
  for (const sizes of students) {
    const name = sizes.join("-");
    const fresh = () => models.mlp(sizes, { seed: 100 + seed });
    const alone = await fresh().apply(train({ data: mnist.train, epochs: studentEpochs, seed, ...quiet }));
    const distilled = await fresh().apply(distill({ teacher, data: mnist.train, epochs: studentEpochs, temperature: 4, alpha: 0.9, seed, ...quiet }));
    row[`${name} alone`] = (await alone.evaluate(mnist.test)).accuracy;
    row[`${name} distilled`] = (await distilled.evaluate(mnist.test)).accuracy;
    row[`${name} samples/s (distill)`] = distilled.history[0]!.metrics.samplesPerSec as number;
  }
  rows.push(row);
  process.stderr.write(JSON.stringify(row) + "\n");
}

const mean = (key: string) => rows.reduce((s, r) => s + r[key]!, 0) / rows.length;
const summary: Record<string, number> = { teacher: mean("teacher") };
for (const sizes of students) {
  const name = sizes.join("-");
  summary[`${name} alone`] = mean(`${name} alone`);
  summary[`${name} distilled`] = mean(`${name} distilled`);
  // Share of the teacher–student gap that distillation closed (negative: it hurt).
  summary[`${name} gap closed`] = (summary[`${name} distilled`]! - summary[`${name} alone`]!) / (summary.teacher! - summary[`${name} alone`]!);
}

let torch: unknown = null;
if (withTorch) {
  const dir = mkdtempSync(join(tmpdir(), "compactor-distill-"));
  const file = join(dir, "mnist_split.npz");
  const train = mnist.train.toArrays();
  const test = mnist.test.toArrays();
  await writeNpz(file, {
    x_train: train.x,
    y_train: makeTensor("int32", [train.y.length], train.y),
    x_test: test.x,
    y_test: makeTensor("int32", [test.y.length], test.y),
  });
  // Debian's python3-torch lives under /usr/bin/python3 (the pyenv python3 on PATH has no torch).
  const out = execFileSync(
    "/usr/bin/python3",
    ["bench/distill_torch.py", file, "--teacher-epochs", String(teacherEpochs), "--student-epochs", String(studentEpochs), "--seeds", String(seeds)],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 24 },
  );
  torch = JSON.parse(out.trim().split("\n").pop()!);
}

console.log(JSON.stringify({ teacherEpochs, studentEpochs, seeds, rows, mean: summary, torch, seconds: (performance.now() - started) / 1000 }));
