// The quantization targets of issue 12, fp32 and quantized measured in one run:
//   1. LeNet-5 (5 epochs on the built-in MNIST split): quantize.static int8 per
//      channel, 512 calibration samples → accuracy on onnxruntime and on the
//      tfjs runtime before/after, file size ratio.
//   2. MLP 784-1200-1200-10: quantize.weights int4 block 32 and quantize.dynamic
//      int8, beside PyTorch's quantize_dynamic on the same trained weights
//      (bench/quantize_torch.py, Debian's python3-torch).
//   3. torchvision resnet18 and mobilenet_v2 (test/fixtures/large): static int8
//      with N(0,1) calibration → output SQNR, onnxruntime latency at batch 8.
//   4. The transformer encoder fixture: quantize.weights bits 4 → file ratio, SQNR.
//
//   npx vite-node bench/quantize.ts -- [--lenet5-epochs 5] [--mlp-epochs 3] [--runs 20]
//        [--latency-aware 0|1] [--only lenet5,mlp,torchvision,transformer] [--out bench/results/quantize.json]
//
// Step reports go to stderr; the JSON document to --out (and stdout).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { datasets } from "../src/data/index.js";
import { setDisplaySink } from "../src/display/sink.js";
import { readOnnx } from "../src/formats/onnx/index.js";
import { writeNpz } from "../src/formats/numpy/npz.js";
import { float32, int64 } from "../src/graph/tensor.js";
import type { Tensor } from "../src/graph/types.js";
import { Model } from "../src/model/model.js";
import { models } from "../src/models/index.js";
import { randomInputs } from "../src/runtime/random-inputs.js";
import { train } from "../src/train/steps.js";
import { quantize } from "../src/compress/quantize/index.js";
import { ortLatencies } from "../src/compress/quantize/measure.js";
import { benchArgs, machine, writeResult } from "./bench-common.js";

const { value, text } = benchArgs();
const lenetEpochs = value("lenet5-epochs", 5);
const mlpEpochs = value("mlp-epochs", 3);
const runs = value("runs", 20);
// Per-layer timing is what keeps mobilenet_v2's depthwise convs float where int8 is slower;
// it costs minutes on large models, so it can be turned off.
const latencyAware = value("latency-aware", 1) === 1;
const only = new Set(text("only", "lenet5,mlp,torchvision,transformer").split(","));
const out = text("out", "bench/results/quantize.json");

setDisplaySink({ rich: false, clearOutput() {}, display: (b, o) => void (o?.live === "partial" || (o?.update && o.live !== "final") || process.stderr.write(b["text/plain"] + "\n")) });
const mnist = await datasets.mnist();
const quiet = { display: false, batchSize: 128, lr: 1e-3, optimizer: "adam", seed: 1 } as const;
const result: Record<string, unknown> = { started: new Date().toISOString(), machine: machine() };

const log = (what: string, v: unknown) => process.stderr.write(`# ${what}: ${JSON.stringify(v)}\n`);
const metricsOf = (m: Model) => m.history.at(-1)!.metrics;
const accuracy = async (m: Model, runtime: "ort" | "tfjs") => (await m.evaluate(mnist.test, { runtime })).accuracy;
const pt = (before: number, after: number) => Number(((before - after) * 100).toFixed(2));

if (only.has("lenet5")) {
  const t0 = performance.now();
  const fp32 = await models.lenet5({ seed: 1 }).apply(train({ data: mnist.train, epochs: lenetEpochs, ...quiet }));
  const int8 = await fp32.apply(quantize.static({ calibration: mnist.train, samples: 512, perChannel: true, latencyAware: false, latency: false }));
  const m = metricsOf(int8);
  const [ortBefore, ortAfter, tfjsBefore, tfjsAfter] = [await accuracy(fp32, "ort"), await accuracy(int8, "ort"), await accuracy(fp32, "tfjs"), await accuracy(int8, "tfjs")];
  const lenet5 = {
    epochs: lenetEpochs,
    "ort fp32": ortBefore,
    "ort int8": ortAfter,
    "ort drop (pt)": pt(ortBefore, ortAfter),
    "tfjs fp32": tfjsBefore,
    "tfjs int8": tfjsAfter,
    "tfjs drop (pt)": pt(tfjsBefore, tfjsAfter),
    "file bytes fp32": m.fileBytesBefore,
    "file bytes int8": m.fileBytesAfter,
    "size ratio": m.sizeRatio,
    "output SQNR (dB)": m.outputSqnrDb,
    "layers int8": m.layersInt8,
    "layers float": m.layersFloat,
    seconds: (performance.now() - t0) / 1000,
  };
  log("lenet5", lenet5);
  result.lenet5 = lenet5;
}

if (only.has("mlp")) {
  const t0 = performance.now();
  const fp32 = await models.mlp([784, 1200, 1200, 10], { seed: 1 }).apply(train({ data: mnist.train, epochs: mlpEpochs, ...quiet }));
  const base = await accuracy(fp32, "ort");
  const int4 = await fp32.apply(quantize.weights({ bits: 4, blockSize: 32, latency: false }));
  const dyn = await fp32.apply(quantize.dynamic({ latency: false }));
  const [a4, a8] = [await accuracy(int4, "ort"), await accuracy(dyn, "ort")];
  const [m4, m8] = [metricsOf(int4), metricsOf(dyn)];
  const torch = await torchPeer(fp32);
  const mlp = {
    epochs: mlpEpochs,
    "ort fp32": base,
    "weights int4 b32": a4,
    "int4 drop (pt)": pt(base, a4),
    "int4 size ratio": m4.sizeRatio,
    "int4 output SQNR (dB)": m4.outputSqnrDb,
    "dynamic int8": a8,
    "dynamic drop (pt)": pt(base, a8),
    "dynamic size ratio": m8.sizeRatio,
    "file bytes fp32": m4.fileBytesBefore,
    torch,
    seconds: (performance.now() - t0) / 1000,
  };
  log("mlp", mlp);
  result.mlp = mlp;
}

/** The trained weights and the test split to an .npz, then PyTorch's quantize_dynamic on them. */
async function torchPeer(fp32: Model): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), "compactor-quant-bench-"));
  const file = join(dir, "mlp.npz");
  const arrays: Record<string, Tensor> = {};
  for (const [name, t] of fp32.graph.initializers) if (name.startsWith("fc")) arrays[name] = t;
  const [test] = mnist.test.batches(mnist.test.size, { epoch: 0 });
  arrays.x_test = float32(test!.x.dims, test!.x.data);
  arrays.y_test = int64([test!.y.length], test!.y);
  await writeNpz(file, arrays);
  const run = spawnSync("/usr/bin/python3", ["bench/quantize_torch.py", file], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`bench/quantize_torch.py failed: ${run.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  return JSON.parse(run.stdout.trim().split("\n").pop()!);
}

if (only.has("torchvision")) {
  const rows: Record<string, unknown>[] = [];
  for (const [name, seed] of [["resnet18", 11], ["mobilenet_v2", 12]] as const) {
    const file = `test/fixtures/large/${name}.onnx`;
    if (!existsSync(file)) throw new Error(`${file} is missing: run /usr/bin/python3 scripts/make-fixtures.py --large`);
    const t0 = performance.now();
    const graph = await readOnnx(file);
    const calibration = randomInputs(graph, { seed, batch: 32 });
    const int8 = await new Model(graph).apply(quantize.static({ calibration, latencyAware, latency: false }));
    const m = metricsOf(int8);
    // One interleaved measurement of both graphs (fp32, int8 alternate), so load falls on both alike.
    const [fp32Ms, int8Ms] = await ortLatencies([graph, int8.graph], { batch: 8, runs, warmupMs: 2000 });
    const row = {
      model: name,
      "latency-aware": latencyAware,
      "output SQNR (dB)": m.outputSqnrDb,
      "size ratio": m.sizeRatio,
      "ort b8 fp32 (ms)": fp32Ms,
      "ort b8 int8 (ms)": int8Ms,
      "latency ratio": Number((int8Ms! / fp32Ms!).toFixed(3)),
      "layers int8": m.layersInt8,
      "layers float": m.layersFloat,
      seconds: (performance.now() - t0) / 1000,
    };
    log(name, row);
    rows.push(row);
  }
  result.torchvision = rows;
}

if (only.has("transformer")) {
  const file = "test/fixtures/large/transformer_encoder.onnx";
  if (!existsSync(file)) throw new Error(`${file} is missing: run /usr/bin/python3 scripts/make-fixtures.py --large`);
  const t0 = performance.now();
  const int4 = await new Model(await readOnnx(file)).apply(quantize.weights({ bits: 4, latency: false }));
  const m = metricsOf(int4);
  const transformer = {
    "file bytes fp32": m.fileBytesBefore,
    "file bytes int4": m.fileBytesAfter,
    "size ratio": m.sizeRatio,
    "output SQNR (dB)": m.outputSqnrDb,
    "layers int4": m.layersInt4,
    "layers float": m.layersFloat,
    seconds: (performance.now() - t0) / 1000,
  };
  log("transformer", transformer);
  result.transformer = transformer;
}

writeResult(out, result);
