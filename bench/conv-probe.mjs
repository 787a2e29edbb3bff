#!/usr/bin/env node
// Conv probe: the engine gap alone. One 3×3 Conv (64→64, 56×56, pads 1,
// batch 8 by default) built with src/graph's builder and run through our own
// runtimes (compile() on tfjs wasm, createOrtSession on onnxruntime), timed
// alternately, reported as GFLOP/s (2 FLOPs per multiply-add) and their ratio.
// A model's tfjs/ort ratio above this gap is glue (layouts, dispatch, copies).
// tfjs runs twice: through our own Winograd kernel (src/runtime/tfjs/kernels,
// the runtime's default on wasm) and through tfjs's own conv (XNNPACK).
//
//   npm run build
//   node bench/conv-probe.mjs [--batch 8] [--size 56] [--channels 64] [--runs 20] [--warmup 3] [--ort-threads N]
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
if (!existsSync(join(ROOT, "dist", "src", "graph", "builder.js"))) {
  console.error("bench/conv-probe.mjs: dist/ is missing; run `npm run build` first.");
  process.exit(1);
}
const dist = (p) => new URL(`../dist/src/${p}`, import.meta.url).href;
const { GraphBuilder } = await import(dist("graph/builder.js"));
const { float32 } = await import(dist("graph/tensor.js"));
const { openRunner } = await import(dist("runtime/runner.js"));
const { measureInterleaved } = await import(dist("cli/timing.js"));
const { winograd } = await import(dist("runtime/tfjs/kernels/winograd.js"));

const { values } = parseArgs({
  options: {
    batch: { type: "string", default: "8" },
    size: { type: "string", default: "56" },
    channels: { type: "string", default: "64" },
    runs: { type: "string", default: "20" },
    warmup: { type: "string", default: "3" },
    "ort-threads": { type: "string" },
  },
});
const [batch, size, channels] = [values.batch, values.size, values.channels].map(Number);

/** Deterministic values in [-1, 1): the probe times arithmetic, not data. */
function filled(n, seed) {
  const out = new Float32Array(n);
  let a = seed >>> 0;
  for (let i = 0; i < n; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    out[i] = a / 2 ** 31 - 1;
  }
  return out;
}

const b = new GraphBuilder({ name: "conv_probe", opset: 17 });
const x = b.input("x", "float32", [batch, channels, size, size]);
const w = b.initializer("w", float32([channels, channels, 3, 3], filled(channels * channels * 9, 1)));
const bias = b.initializer("b", float32([channels], filled(channels, 2)));
b.output(b.node("Conv", [x, w, bias], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] })[0], "y");
const graph = b.build();

const feeds = { x: float32([batch, channels, size, size], filled(batch * channels * size * size, 3)) };
const ortThreads = values["ort-threads"] === undefined ? {} : { ortThreads: Number(values["ort-threads"]) };
const ort = await openRunner("ort", graph, ortThreads);
const tfjs = await openRunner("tfjs", graph, { tfjsBackend: "wasm" });
/** Runs with our Winograd kernel switched on or off, restoring the default after. */
const withWinograd = (on) => async () => {
  winograd.enabled = on;
  try {
    return await tfjs.run(feeds);
  } finally {
    winograd.enabled = true;
  }
};
const latency = await measureInterleaved(
  { ort: () => ort.run(feeds), tfjs: withWinograd(true), xnnpack: withWinograd(false) },
  { runs: Number(values.runs), warmup: Number(values.warmup) },
);
tfjs.dispose();
ort.dispose();

// Output is size×size (stride 1, pads 1): each output value costs channels·9 multiply-adds.
const gflop = (2 * batch * channels * size * size * channels * 9) / 1e9;
const rate = (ms) => gflop / (ms / 1000);
console.log(`conv 3×3 ${channels}→${channels}, ${size}×${size}, batch ${batch}: ${gflop.toFixed(2)} GFLOP per call`);
console.log(`  onnxruntime (${values["ort-threads"] ?? "default"} threads): ${latency.ort.medianMs.toFixed(1)} ms, ${rate(latency.ort.medianMs).toFixed(1)} GFLOP/s`);
console.log(`  tfjs wasm, tfjs's conv (XNNPACK, 1 thread):  ${latency.xnnpack.medianMs.toFixed(1)} ms, ${rate(latency.xnnpack.medianMs).toFixed(1)} GFLOP/s`);
console.log(`  tfjs wasm, our Winograd (1 thread, effective): ${latency.tfjs.medianMs.toFixed(1)} ms, ${rate(latency.tfjs.medianMs).toFixed(1)} GFLOP/s`);
console.log(`  gap (tfjs / ort): ${(latency.xnnpack.medianMs / latency.ort.medianMs).toFixed(2)}× with tfjs's conv, ${(latency.tfjs.medianMs / latency.ort.medianMs).toFixed(2)}× with ours`);
