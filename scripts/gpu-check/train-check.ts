// The second half of scripts/gpu-check: the MLP 784-1200-1200-10 and LeNet-5
// train on MNIST with device "gpu" (or, with --allow-software, on backend
// "webgpu" whatever its adapter), each reporting backend, adapter, samples/s
// and accuracy; before that, one training step's gradients on the GPU backend
// are checked against tfjs's cpu backend.
import { datasets } from "../../src/data/datasets.js";
import { fitDataToModel } from "../../src/data/fit.js";
import type { Graph } from "../../src/graph/types.js";
import { lenet5, mlp } from "../../src/models/zoo.js";
import { initBackend, type BackendChoice, type BackendInfo, type Device } from "../../src/runtime/tfjs/backends.js";
import { takeDeviceErrors } from "../../src/runtime/tfjs/webgpu/device-errors.js";
import { trainDataOf } from "../../src/train/from-dataset.js";
import { trainGraph } from "../../src/train/train-graph.js";
import { gradientProblems, trainingStep, worstGradientDifference } from "../../test/helpers/training-step.js";

export interface TrainCheckOptions {
  readonly allowSoftware: boolean;
  readonly epochs: number;
  readonly trainSamples: number;
}

export interface ModelResult {
  readonly model: string;
  readonly backend: string;
  readonly adapter: string | null;
  readonly gpu: boolean;
  readonly samplesPerSec: number;
  readonly accuracy: number | null;
  readonly epochs: number;
  readonly trainSamples: number;
  readonly parity: { readonly worstGradient: number; readonly problems: string[] };
}

// float32 everywhere; tfjs-node-gpu may use TF32 matmuls on Ampere and later
// (10 mantissa bits: ~1e-3 relative). A wrong kernel is off by O(1).
const PARITY_TOLERANCE = 1e-3;
const PARITY_BATCH = 32;

const MODELS: readonly (readonly [string, () => Graph])[] = [
  ["mlp 784-1200-1200-10", () => mlp([784, 1200, 1200, 10])],
  ["lenet5", () => lenet5()],
];

export async function trainCheck(options: TrainCheckOptions, print: (line: string) => void): Promise<{ results: ModelResult[]; ok: boolean }> {
  const choice: BackendChoice = options.allowSoftware ? "webgpu" : "auto";
  const device: Device = options.allowSoftware ? "auto" : "gpu";
  print(`== training (${options.allowSoftware ? 'backend "webgpu", software adapter allowed' : 'device "gpu"'})`);
  let info: BackendInfo;
  try {
    info = await initBackend(choice, { device });
  } catch (e) {
    print(`PROBLEM: ${e instanceof Error ? e.message : String(e)}`);
    return { results: [], ok: false };
  }
  print(`backend: ${info.backend} (tfjs ${info.tfjsName}), adapter: ${info.adapter ?? "none"}, gpu: ${info.gpu}`);
  for (const t of info.tried.filter((a) => a.error)) print(`  skipped ${t.backend}: ${t.error}`);

  const { train, test } = await datasets.mnist();
  const results: ModelResult[] = [];
  let ok = true;
  for (const [model, build] of MODELS) {
    const graph = build();
    const feeds = new Map([["input", fitDataToModel(train.take(PARITY_BATCH), graph).batches(PARITY_BATCH).next().value!.x]]);
    const ref = await trainingStep(graph, feeds, "cpu");
    const got = await trainingStep(graph, feeds, info.backend);
    const parity = { worstGradient: worstGradientDifference(ref, got), problems: gradientProblems(ref, got, PARITY_TOLERANCE) };
    print(`${model}: parity with cpu, one step of ${PARITY_BATCH}: loss ${got.loss.toFixed(6)} vs ${ref.loss.toFixed(6)}, worst gradient difference ${parity.worstGradient.toExponential(2)} of its scale (tolerance ${PARITY_TOLERANCE}) ${parity.problems.length === 0 ? "PASS" : "FAIL"}`);
    for (const p of parity.problems.slice(0, 5)) print(`  ${p}`);

    const { metrics } = await trainGraph(graph, {
      data: trainDataOf(fitDataToModel(train.take(options.trainSamples), graph)),
      validation: trainDataOf(fitDataToModel(test, graph)),
      epochs: options.epochs,
      batchSize: 128,
      optimizer: "adam",
      lr: 1e-3,
      backend: choice,
      device,
      display: false,
    });
    const result: ModelResult = {
      model,
      backend: metrics.backend,
      adapter: info.adapter ?? null,
      gpu: info.gpu,
      samplesPerSec: Math.round(metrics.samplesPerSec),
      accuracy: metrics.validationAccuracy,
      epochs: options.epochs,
      trainSamples: options.trainSamples,
      parity,
    };
    print(`${model}: ${result.samplesPerSec} samples/s on ${result.backend}, test accuracy ${result.accuracy === null ? "n/a" : (result.accuracy * 100).toFixed(2) + "%"} after ${options.epochs} epochs of ${options.trainSamples}`);
    print(JSON.stringify(result));
    results.push(result);
    ok &&= parity.problems.length === 0 && (options.allowSoftware || info.gpu);
  }
  const errors = takeDeviceErrors();
  for (const e of errors) print(`PROBLEM: WebGPU device error: ${e}`);
  await initBackend("wasm");
  return { results, ok: ok && errors.length === 0 };
}
