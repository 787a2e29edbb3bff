// The ResNet-8 training step's 3×3 convs (bench/resnet8.ts, batch 128), one
// kernel at a time (issue 14): forward, input gradient and filter gradient on
// Winograd (kernels/winograd.c) and on im2col (kernels/conv2d.c), in GFLOP/s
// (2 × the direct conv's multiply-adds over the median time, so Winograd's
// figure is "effective"). The two routes alternate run by run, so a change in
// the machine's load hits both alike.
//
//   npx vite-node bench/resnet8-convs.ts -- [--batch 128] [--runs 15]
//
// Prints one JSON line.
import { parseArgs } from "node:util";
import { tf } from "../src/runtime/tfjs/tf.js";
import { initBackend } from "../src/runtime/tfjs/backends.js";
import { conv2dBackpropFilter, conv2dBackpropInput, convGeometry, ensureConv2dKernels, CONV2D, winogradConv } from "../src/runtime/tfjs/kernels/conv2d.js";
import { seededRandom } from "../src/core/random.js";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: { batch: { type: "string", default: "128" }, runs: { type: "string", default: "15" } },
});
const batch = Number(values.batch);
const runs = Number(values.runs);
await initBackend("wasm");
ensureConv2dKernels();

const random = (shape: number[], seed: number) => {
  const next = seededRandom(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => next() * 2 - 1), shape);
};

/** Median ms of `body` with Winograd on and off, alternating, after warming both up for at least 3 calls and 1 s. */
function medianMs(body: () => tf.TensorInfo): { winograd: number; im2col: number } {
  const run = (on: boolean) => {
    winogradConv.enabled = on;
    const t = performance.now();
    tf.engine().disposeTensor(tf.engine().makeTensorFromTensorInfo(body()));
    return performance.now() - t;
  };
  const warmEnd = performance.now() + 1000;
  for (let i = 0; i < 3 || performance.now() < warmEnd; i++) (run(true), run(false));
  const times = { winograd: [] as number[], im2col: [] as number[] };
  for (let i = 0; i < runs; i++) (times.winograd.push(run(true)), times.im2col.push(run(false)));
  winogradConv.enabled = true;
  const median = (t: number[]) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!;
  return { winograd: median(times.winograd), im2col: median(times.im2col) };
}

const layers = [
  { name: "layer1 16→16, 32×32", x: [batch, 32, 32, 16], w: [3, 3, 16, 16] },
  { name: "layer2.conv2 32→32, 16×16", x: [batch, 16, 16, 32], w: [3, 3, 32, 32] },
  { name: "layer3.conv2 64→64, 8×8", x: [batch, 8, 8, 64], w: [3, 3, 64, 64] },
];
const result: Record<string, unknown> = { bench: "resnet8_convs", batch, runs, date: new Date().toISOString() };
for (const layer of layers) {
  const attrs = { strides: [1, 1] as const, pads: [1, 1, 1, 1] as const, activation: "linear" as const };
  const g = convGeometry(layer.x, layer.w, attrs);
  const flops = 2 * g.N * g.OH * g.OW * g.K * g.KH * g.KW * g.C;
  const x = random(layer.x, 1), w = random(layer.w, 2), dz = random([g.N, g.OH, g.OW, g.K], 3);
  const row: Record<string, number> = {};
  const record = (what: string, ms: { winograd: number; im2col: number }) => {
    for (const [route, t] of Object.entries(ms)) {
      row[`${what}_${route}Ms`] = Number(t.toFixed(2));
      row[`${what}_${route}Gflops`] = Number((flops / t / 1e6).toFixed(1));
    }
  };
  // The forward as training runs it: the registered kernel's function called
  // directly (no tape to save tensors on) with a gradient being recorded, so
  // the filter is transformed on every call.
  const forward = tf.getKernel(CONV2D, "wasm")!.kernelFunc;
  tf.engine().state.gradientDepth++;
  try {
    record("forward", medianMs(() => forward({ inputs: { x, filter: w }, attrs: attrs as unknown as tf.NamedAttrMap, backend: tf.backend() }) as tf.TensorInfo));
  } finally {
    tf.engine().state.gradientDepth--;
  }
  record("input", medianMs(() => conv2dBackpropInput(dz, w, layer.x, attrs)));
  record("filter", medianMs(() => conv2dBackpropFilter(x, dz, layer.w, attrs)));
  result[layer.name] = row;
  tf.dispose([x, w, dz]);
}
console.log(JSON.stringify(result));
