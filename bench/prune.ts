// The pruning targets of issue 11, measured in one run with their dense models:
//   1. LeNet-300-100 (mlp 784-300-100-10, 10 epochs on the built-in MNIST split):
//      prune.magnitude 90% global + finetune 3 epochs → within 0.5 pt of dense
//      with ≤ 10.5% non-zero weights; prune.gradual to 95% inside a finetune.
//   2. prune.channels ratio 0.5 (l1) on torchvision resnet18, mobilenet_v2 and
//      shufflenet_v2_x0_5: parameters, MACs, onnxruntime latency at batch 8
//      (interleaved with the dense model), onnx.checker on the saved file.
//   3. LeNet-5: channels 0.5, then distill from the dense model → within 1 pt.
//
//   npx vite-node bench/prune.ts -- [--epochs 10] [--finetune 3] [--gradual-epochs 6] [--lenet5-epochs 8]
//        [--distill-epochs 8] [--runs 30] [--only mlp,channels,lenet5] [--out bench/results/prune.json]
//
// Step reports go to stderr; the JSON document to --out (and stdout).
import { spawnSync } from "node:child_process";
import { mkdtempSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { datasets } from "../src/data/index.js";
import { setDisplaySink } from "../src/display/sink.js";
import { load } from "../src/model/load.js";
import { models } from "../src/models/index.js";
import { finetune, train } from "../src/train/steps.js";
import { distill } from "../src/compress/distill/index.js";
import { prune } from "../src/compress/prune/index.js";
import { summarize } from "../src/graph/counts.js";
import type { Model } from "../src/model/model.js";
import { benchArgs, machine, writeResult } from "./bench-common.js";

const { value, text } = benchArgs();
const epochs = value("epochs", 10);
const finetuneEpochs = value("finetune", 3);
const gradualEpochs = value("gradual-epochs", 6);
const lenetEpochs = value("lenet5-epochs", 8);
const distillEpochs = value("distill-epochs", 8);
const runs = value("runs", 30);
const only = new Set(text("only", "mlp,channels,lenet5").split(","));
const out = text("out", "bench/results/prune.json");

setDisplaySink({ rich: false, clearOutput() {}, display: (b, o) => void (o?.live === "partial" || (o?.update && o.live !== "final") || process.stderr.write(b["text/plain"] + "\n")) });
const mnist = await datasets.mnist();
const quiet = { display: false, batchSize: 128, lr: 1e-3, optimizer: "adam", seed: 1 } as const;
const acc = async (m: Model) => (await m.evaluate(mnist.test)).accuracy;
const started = new Date().toISOString();
const result: Record<string, unknown> = { started, machine: machine() };

const log = (what: string, v: unknown) => process.stderr.write(`# ${what}: ${JSON.stringify(v)}\n`);

if (only.has("mlp")) {
  const t0 = performance.now();
  const dense = await models.mlp([784, 300, 100, 10], { seed: 1 }).apply(train({ data: mnist.train, epochs, ...quiet }));
  const denseAcc = await acc(dense);
  const pruned = await dense.apply(prune.magnitude({ sparsity: 0.9, scope: "global", latency: false }));
  const prunedAcc = await acc(pruned);
  const tuned = await pruned.apply(finetune({ data: mnist.train, epochs: finetuneEpochs, ...quiet }));
  const tunedAcc = await acc(tuned);
  const nonZero = pruned.history.at(-1)!.metrics["non-zero ratio"] as number;
  const tunedZeros = zerosKept(tuned);
  const gradual = await dense.apply(
    prune.gradual({ to: 0.95, scope: "global", end: Math.floor(((mnist.train.size / 128) * gradualEpochs) * 0.7), latency: false }),
    finetune({ data: mnist.train, epochs: gradualEpochs, ...quiet }),
  );
  const mlp = {
    dense: denseAcc,
    "magnitude 90% global": prunedAcc,
    [`after finetune ${finetuneEpochs} epochs`]: tunedAcc,
    "non-zero weight ratio": nonZero,
    "masked weights still zero after finetune": tunedZeros,
    "drop (pt)": (denseAcc - tunedAcc) * 100,
    [`gradual to 95% in ${gradualEpochs} finetune epochs`]: await acc(gradual),
    "gradual non-zero weight ratio": nonZeroRatio(gradual),
    seconds: (performance.now() - t0) / 1000,
  };
  log("mlp", mlp);
  result.mlp = mlp;
}

if (only.has("channels")) {
  const files = {
    resnet18: "test/fixtures/large/resnet18.onnx",
    mobilenet_v2: "test/fixtures/large/mobilenet_v2.onnx",
    shufflenet_v2_x0_5: "test/fixtures/large/shufflenet_v2_x0_5.onnx",
  };
  const dir = mkdtempSync(join(tmpdir(), "compactor-prune-bench-"));
  const rows: Record<string, unknown>[] = [];
  for (const [name, file] of Object.entries(files)) {
    if (!existsSync(file)) throw new Error(`${file} is missing: npm test (or scripts/make-fixtures.py --large, scripts/sweep-torchvision.py) exports it`);
    const t0 = performance.now();
    const small = await (await load(file)).apply(prune.channels({ ratio: 0.5, importance: "l1", latency: { batch: 8, runs, warmup: 5 } }));
    const m = small.history.at(-1)!.metrics;
    const saved = join(dir, `${name}.onnx`);
    const report = await small.save(saved);
    const checker = spawnSync("/usr/bin/python3", ["-c", "import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)", saved], { encoding: "utf8" });
    const row = {
      model: name,
      "params before": m["params before"],
      "params after": m["params after"],
      "params ratio": m["params ratio"],
      "MACs ratio": m["MACs ratio"],
      "ort b8 before (ms)": m["ort latency b8 before (ms)"],
      "ort b8 after (ms)": m["ort latency b8 after (ms)"],
      "latency ratio": m["latency ratio"],
      "onnx.checker": checker.status === 0 ? "ok" : checker.stderr.trim().split("\n").pop(),
      "saved max rel error vs ort": report.maxRelativeError,
      "groups pruned": m["groups pruned"],
      "groups kept whole": m["groups kept whole"],
      seconds: (performance.now() - t0) / 1000,
    };
    log(name, row);
    rows.push(row);
  }
  result.channels = rows;
}

if (only.has("lenet5")) {
  const t0 = performance.now();
  const dense = await models.lenet5({ seed: 1 }).apply(train({ data: mnist.train, epochs: lenetEpochs, ...quiet }));
  const denseAcc = await acc(dense);
  const small = await dense.apply(prune.channels({ ratio: 0.5, importance: "l1", latency: false }));
  const cutAcc = await acc(small);
  const distilled = await small.apply(distill({ teacher: dense, data: mnist.train, epochs: distillEpochs, temperature: 4, alpha: 0.9, ...quiet }));
  const distilledAcc = await acc(distilled);
  const [a, b] = [summarize(dense.graph), summarize(distilled.graph)];
  const lenet5 = {
    dense: denseAcc,
    "channels 0.5 (l1)": cutAcc,
    [`after distill ${distillEpochs} epochs`]: distilledAcc,
    "drop (pt)": (denseAcc - distilledAcc) * 100,
    "params ratio": b.params / a.params,
    "MACs ratio": b.macs / a.macs,
    seconds: (performance.now() - t0) / 1000,
  };
  log("lenet5", lenet5);
  result.lenet5 = lenet5;
}

function nonZeroRatio(m: Model): number {
  let n = 0;
  let nz = 0;
  for (const name of ["fc1.weight", "fc2.weight", "fc3.weight"]) {
    const d = m.graph.initializers.get(name)!.data as Float32Array;
    n += d.length;
    for (const v of d) if (v !== 0) nz++;
  }
  return nz / n;
}

function zerosKept(m: Model): boolean {
  for (const [name, mask] of m.masks) {
    const d = m.graph.initializers.get(name)!.data as Float32Array;
    for (let i = 0; i < mask.length; i++) if (mask[i] === 0 && d[i] !== 0) return false;
  }
  return true;
}

writeResult(out, result);
