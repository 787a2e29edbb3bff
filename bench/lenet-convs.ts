// The LeNet-5 training step's convs, one kernel at a time (issue 14): each of
// our conv kernels (forward, input gradient, filter gradient) on the exact
// shapes a batch-128 LeNet-5 step runs (and ResNet-8's first conv), in GFLOP/s (2 × multiply-adds over
// the median time), beside tfjs's own matMul on a square product as the
// engine's ceiling here.
//
//   npx vite-node bench/lenet-convs.ts -- [--batch 128] [--runs 30] [--no-direct]   (--no-direct: im2col for every conv)
//
// Prints one JSON line.
import { parseArgs } from "node:util";
import { tf } from "../src/runtime/tfjs/tf.js";
import { initBackend } from "../src/runtime/tfjs/backends.js";
import { conv2dBackpropFilter, conv2dBackpropInput, convGeometry, ensureConv2dKernels, CONV2D } from "../src/runtime/tfjs/kernels/conv2d.js";
import { directConv } from "../src/runtime/tfjs/kernels/conv2d-direct.js";
import { seededRandom } from "../src/core/random.js";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: { batch: { type: "string", default: "128" }, runs: { type: "string", default: "30" }, "no-direct": { type: "boolean", default: false } },
});
const batch = Number(values.batch);
const runs = Number(values.runs);
await initBackend("wasm");
directConv.enabled = !values["no-direct"];
ensureConv2dKernels();

const random = (shape: number[], seed: number) => {
  const next = seededRandom(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => next() * 2 - 1), shape);
};

/** Median ms of `body` after warming up for at least 3 calls and 1 s (V8 tiers hot WebAssembly up after about a second). */
function medianMs(body: () => tf.TensorInfo): number {
  const run = () => {
    const out = body();
    tf.engine().disposeTensor(tf.engine().makeTensorFromTensorInfo(out));
  };
  const warmEnd = performance.now() + 1000;
  for (let i = 0; i < 3 || performance.now() < warmEnd; i++) run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    run();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

const layers = [
  { name: "conv1", x: [batch, 28, 28, 1], w: [5, 5, 1, 6], pads: [2, 2, 2, 2] as const, inputGradient: false },
  { name: "conv2", x: [batch, 14, 14, 6], w: [5, 5, 6, 16], pads: [0, 0, 0, 0] as const, inputGradient: true },
  // ResNet-8's stem (bench/resnet8.ts): 3 colour channels, 3×3.
  { name: "resnet8Stem", x: [batch, 32, 32, 3], w: [3, 3, 3, 16], pads: [1, 1, 1, 1] as const, inputGradient: false },
];
const result: Record<string, unknown> = { batch, runs, direct: directConv.enabled, date: new Date().toISOString() };
for (const layer of layers) {
  const attrs = { strides: [1, 1] as const, pads: layer.pads, activation: "linear" as const };
  const g = convGeometry(layer.x, layer.w, attrs);
  const flops = 2 * g.N * g.OH * g.OW * g.K * g.KH * g.KW * g.C;
  const x = random(layer.x, 1), w = random(layer.w, 2), dz = random([g.N, g.OH, g.OW, g.K], 3);
  const gflops = (ms: number) => Number((flops / ms / 1e6).toFixed(2));
  const forward = medianMs(() => tf.engine().runKernel(CONV2D, { x, filter: w }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor);
  const filter = medianMs(() => conv2dBackpropFilter(x, dz, layer.w, attrs));
  const row: Record<string, number> = { forwardMs: forward, forwardGflops: gflops(forward), filterMs: filter, filterGflops: gflops(filter) };
  if (layer.inputGradient) {
    const input = medianMs(() => conv2dBackpropInput(dz, w, layer.x, attrs));
    Object.assign(row, { inputMs: input, inputGflops: gflops(input) });
  }
  for (const key of Object.keys(row)) if (key.endsWith("Ms")) row[key] = Number(row[key]!.toFixed(3));
  result[layer.name] = row;
  tf.dispose([x, w, dz]);
}
const a = random([256, 256], 4), b = random([256, 256], 5);
const mm = medianMs(() => tf.matMul(a, b));
result.matMul256Gflops = Number(((2 * 256 ** 3) / mm / 1e6).toFixed(2));
console.log(JSON.stringify(result));
