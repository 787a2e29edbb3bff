// Training throughput of the MLP 784-1200-1200-10, batch 128, Adam, through
// trainGraph on a tfjs backend (default wasm), plus a per-kernel profile of
// one training step. Peer: bench/torch_throughput.py in the same run.
//
//   npx vite-node bench/train-throughput.ts -- [--backend wasm|cpu] [--steps 30] [--plain-matmul] [--no-winograd] [--profile] [--model mlp|lenet5|resnet8] [--workers 1|2|auto] [--sizes 784-1200-1200-10]
//
// --workers N trains data-parallel on N threads (src/train/parallel/; run
// `npm run build` first: the worker runs from dist/) and adds the per-step
// phase profile of the main thread and worker 1 (parallelProfileMs).
//
// --plain-matmul leaves wasm's own transposed BatchMatMul in place (the
// "before" measurement); by default our kernels are registered first.
// --no-winograd keeps training's 3×3 convs on im2col (one thread only: the
// workers do not see it); COMPACTOR_NATIVE_GEMM=0 keeps dense products on
// wasm (workers too). The JSON says which were on.
// Prints one JSON line.
import { tf } from "../src/runtime/tfjs/tf.js";
import { initBackend, type BackendChoice } from "../src/runtime/tfjs/backends.js";
import { compile } from "../src/runtime/tfjs/compile.js";
import { registerTrainingKernels } from "../src/runtime/tfjs/gradients/index.js";
import { restoreWasmMatMul } from "../src/runtime/tfjs/gradients/wasm-mat-mul.js";
import { winogradConv } from "../src/runtime/tfjs/kernels/conv2d.js";
import { nativeGemm, nativeGemmAvailable } from "../src/runtime/native-gemm.js";
import { mlp, lenet5 } from "../src/models/zoo.js";
import { resnet8 } from "./resnet8.js";
import { trainCompiled } from "../src/train/loop.js";
import { resolveOptions } from "../src/train/options.js";
import { crossEntropy } from "../src/train/loss.js";
import { createOptimizer } from "../src/train/optimizers.js";
import { lastParallelProfile } from "../src/train/parallel/coordinator.js";
import type { Batch, TrainData } from "../src/train/data.js";
import type { Graph } from "../src/graph/types.js";

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const value = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const backendChoice = value("backend", "wasm") as BackendChoice;
const steps = Number(value("steps", "30"));
const model = value("model", "mlp");
const sizes = value("sizes", "784-1200-1200-10").split("-").map(Number);
const batchSize = Number(value("batch", "128"));
const workersArg = value("workers", "1");
const workers = workersArg === "auto" ? "auto" : Number(workersArg);

/** Random inputs and labels: throughput does not depend on the values. */
class Synthetic implements TrainData {
  constructor(
    readonly length: number,
    private readonly sample: number[],
  ) {}
  shuffle(): Synthetic {
    return this;
  }
  *batches(size: number): Iterable<Batch> {
    const per = this.sample.reduce((a, b) => a * b, 1);
    for (let s = 0; s < this.length; s += size) {
      const n = Math.min(size, this.length - s);
      const data = new Float32Array(n * per);
      for (let i = 0; i < data.length; i++) data[i] = Math.random();
      yield { x: { dtype: "float32", dims: [n, ...this.sample], data }, y: Int32Array.from({ length: n }, (_, i) => (s + i) % 10) };
    }
  }
}

async function main(): Promise<void> {
  const info = await initBackend(backendChoice);
  // initBackend registers our training kernels; the "before" case takes the matmul wrapper out again.
  registerTrainingKernels(info.tfjsName);
  if (flag("plain-matmul")) restoreWasmMatMul();
  if (flag("no-winograd")) {
    if (workers !== 1) throw new Error("--no-winograd applies to one thread only (the workers do not see it)");
    winogradConv.enabled = false;
  }
  const graph: Graph = model === "lenet5" ? lenet5() : model === "resnet8" ? resnet8() : mlp(sizes);
  const sample = model === "lenet5" ? [1, 28, 28] : model === "resnet8" ? [3, 32, 32] : [784];
  const compiled = await compile(graph, { training: true });
  const data = new Synthetic(steps * batchSize, sample);

  let profile: Record<string, unknown> | undefined;
  if (flag("profile")) profile = await profileStep(compiled, graph, data);

  // Epoch 1 warms up (first kernel calls, XNNPACK operator creation); epoch 2 is measured.
  // CPU time is recorded too: on a shared machine wall time measures the
  // neighbours as much as us, while CPU seconds per sample do not (wasm runs on one thread).
  const cpuAtEpochEnd: number[] = [];
  const onEpoch = () => {
    const u = process.cpuUsage();
    cpuAtEpochEnd.push((u.user + u.system) / 1e6);
  };
  const options = resolveOptions({ data, epochs: 2, batchSize, lr: 1e-3, optimizer: "adam", display: false, onEpoch, workers });
  const { history, metrics } = await trainCompiled(graph, compiled, options, info.backend);
  compiled.dispose();
  const measured = history[1]!;
  console.log(
    JSON.stringify({
      bench: "train_throughput",
      model: model === "mlp" ? `mlp ${sizes.join("-")}` : model,
      backend: info.backend,
      fastMatMul: !flag("plain-matmul"),
      winograd: winogradConv.enabled,
      nativeGemm: nativeGemm.enabled && nativeGemmAvailable(),
      workers: metrics.workers,
      batchSize,
      steps,
      samplesPerSec: Math.round(measured.samplesPerSec * 10) / 10,
      msPerStep: Math.round((measured.seconds / steps) * 1000 * 10) / 10,
      samplesPerCpuSec: Math.round(((steps * batchSize) / (cpuAtEpochEnd[1]! - cpuAtEpochEnd[0]!)) * 10) / 10,
      loadAverage: (await import("node:os")).loadavg()[0],
      ...(profile ? { profile } : {}),
      // Both epochs, the warm-up included: mean ms per step of each phase.
      ...(metrics.workers > 1 ? { parallelProfileMs: lastParallelProfile() } : {}),
    }),
  );
}

/**
 * One training step taken apart: tf.profile's kernel time summed by kernel
 * name (forward and backward kernels together: a Compactor…Backprop… or …Grad
 * name is backward), and wall-clock phases of the same step, each the median
 * of 3 runs: forward alone (training mode), forward + backward, the Adam
 * update; "glue" is what the step spends outside kernels (tfjs's engine, tape,
 * allocations, copies): forward + backward wall time minus its kernel time.
 */
async function profileStep(compiled: Awaited<ReturnType<typeof compile>>, graph: Graph, data: TrainData): Promise<Record<string, unknown>> {
  const vars = [...compiled.variables.values()].filter((v) => v.trainable);
  const byName = new Map([...compiled.variables].filter(([, v]) => v.trainable));
  const batch = [...(data.batches(batchSize) as Iterable<Batch>)][0]!;
  const input = graph.inputs[0]!.name;
  const output = graph.outputs[0]!.name;
  const forward = () =>
    tf.tidy(() => {
      const x = tf.tensor(batch.x.data, [...batch.x.dims]);
      return crossEntropy(compiled.forward({ [input]: x }, { training: true })[output]!, tf.tensor1d(batch.y, "int32"));
    });
  const step = () =>
    tf.tidy(() => {
      const y = tf.tensor1d(batch.y, "int32");
      const x = tf.tensor(batch.x.data, [...batch.x.dims]);
      const { grads } = tf.variableGrads(() => crossEntropy(compiled.forward({ [input]: x }, { training: true })[output]!, y), vars);
      return grads;
    });
  const dropState = () => compiled.takeStateUpdates().forEach((t) => t.dispose());
  const median = async (run: () => Promise<void> | void) => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await run();
      times.push(performance.now() - t0);
    }
    return Math.round(times.sort((a, b) => a - b)[1]! * 10) / 10;
  };
  const optimizer = createOptimizer(resolveOptions({ data, optimizer: "adam" }));
  tf.dispose(Object.values(step())); // warm-up
  dropState();
  const forwardMs = await median(async () => {
    const loss = forward();
    await loss.data();
    loss.dispose();
    dropState();
  });
  let grads: tf.NamedTensorMap = {};
  const forwardBackwardMs = await median(async () => {
    tf.dispose(Object.values(grads));
    grads = step();
    await Promise.all(Object.values(grads).map((g) => g.data()));
    dropState();
  });
  // variableGrads keys gradients by tfjs's variable names; the optimizer takes initializer names.
  const initializerOf = new Map([...byName].map(([name, v]) => [v.name, name]));
  const named = Object.fromEntries(Object.entries(grads).map(([k, g]) => [initializerOf.get(k) ?? k, g]));
  const optimizerMs = await median(() => {
    optimizer.step(byName, named, 1e-3);
  });
  tf.dispose(Object.values(grads));
  optimizer.dispose();
  const info = await tf.profile(() => Object.values(step()));
  dropState();
  const totals: Record<string, number> = {};
  for (const k of info.kernels) totals[k.name] = (totals[k.name] ?? 0) + (typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0);
  tf.dispose(info.result as tf.Tensor[]);
  const kernelMs = Object.values(totals).reduce((a, b) => a + b, 0);
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    phasesMs: { forward: forwardMs, backward: round(forwardBackwardMs - forwardMs), optimizer: optimizerMs, glue: round(Math.max(0, forwardBackwardMs - kernelMs)), kernels: round(kernelMs) },
    kernelsMs: Object.fromEntries(Object.entries(totals).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, round(v)])),
  };
}

await main();
