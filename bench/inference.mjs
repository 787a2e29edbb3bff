#!/usr/bin/env node
// Inference benchmark: tfjs-runtime latency over onnxruntime latency, both
// measured in the same process on the same inputs, for every fixture model and
// (when exported) torchvision resnet18 and mobilenet_v2, batch 1 and 8.
// Plain JS over the compiled library, so it needs no TypeScript loader:
//
//   npm run build
//   /usr/bin/python3 scripts/make-fixtures.py --large    # resnet18, mobilenet_v2 (optional, gitignored)
//   node bench/inference.mjs [--runs 40] [--budget-s 10] [--warmup 3] [--ort-threads N] [--batches 1,8] [--models a,b] [--write] [--profile] [--no-own-kernels]
//
// --runs is the most timed runs per model and batch; slow ones get fewer (≥ 5) so each
// takes about --budget-s seconds.
// --write replaces the inference section of BENCHMARKS.md with the new table.
// --profile also prints, per model, the tfjs kernels that cost the most time.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const dist = (p) => new URL(`../dist/src/${p}`, import.meta.url).href;
if (!existsSync(join(ROOT, "dist", "src", "runtime", "runner.js"))) {
  console.error("bench/inference.mjs: dist/ is missing; run `npm run build` first.");
  process.exit(1);
}
const { readOnnx } = await import(dist("formats/onnx/index.js"));
const { randomInputs } = await import(dist("cli/inputs.js"));
const { openRunner } = await import(dist("runtime/runner.js"));
const { measureInterleaved, WARMUP_MS } = await import(dist("cli/timing.js"));
const { ortVersion } = await import(dist("runtime/ort.js"));
const { compile } = await import(dist("runtime/tfjs/compile.js"));
const { tf } = await import(dist("runtime/tfjs/tf.js"));
const { winograd } = await import(dist("runtime/tfjs/kernels/winograd.js"));
const { pointwise } = await import(dist("runtime/tfjs/kernels/pointwise.js"));
const { dwconv3x3 } = await import(dist("runtime/tfjs/kernels/depthwise.js"));
const { channelsTranspose } = await import(dist("runtime/tfjs/kernels/transpose.js"));
const { lstmKernel } = await import(dist("runtime/tfjs/kernels/lstm.js"));

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "40" },
    "budget-s": { type: "string", default: "10" },
    warmup: { type: "string", default: "3" },
    batches: { type: "string", default: "1,8" },
    models: { type: "string" },
    "tfjs-backend": { type: "string", default: "wasm" },
    "ort-threads": { type: "string" },
    write: { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    "no-own-kernels": { type: "boolean", default: false },
  },
});
// --no-own-kernels runs convs and layout transposes on tfjs's kernels (XNNPACK) and LSTM recurrences in the JS loop instead of ours (src/runtime/tfjs/kernels), for before/after figures.
if (values["no-own-kernels"]) winograd.enabled = pointwise.enabled = dwconv3x3.enabled = channelsTranspose.enabled = lstmKernel.enabled = false;
/** Most timed runs per model and batch; fewer for slow models, so each fits in --budget-s seconds (at least 5). */
const maxRuns = Number(values.runs);
const budgetMs = Number(values["budget-s"]) * 1000;
const warmup = Number(values.warmup);
const batches = values.batches.split(",").map(Number);

function modelFiles() {
  const dirs = [join(ROOT, "test", "fixtures", "models"), join(ROOT, "test", "fixtures", "large")];
  const files = dirs.filter(existsSync).flatMap((d) => readdirSync(d).filter((f) => f.endsWith(".onnx")).map((f) => join(d, f)));
  const wanted = values.models?.split(",");
  return wanted ? files.filter((f) => wanted.includes(basename(f, ".onnx"))) : files;
}

function machine() {
  const cpuinfo = existsSync("/proc/cpuinfo") ? readFileSync("/proc/cpuinfo", "utf8") : "";
  const cpu = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? "unknown";
  let nproc = String(os.availableParallelism());
  try {
    nproc = execFileSync("nproc").toString().trim();
  } catch {}
  const tfjs = JSON.parse(readFileSync(join(ROOT, "node_modules", "@tensorflow", "tfjs-core", "package.json"), "utf8")).version;
  return { cpu, nproc, node: process.version, tfjs, ort: ortVersion(), date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC" };
}

/** tfjs kernel time by kernel name over PROFILE_CALLS profiled calls (wasm kernels run synchronously, so times are real). */
async function profileKernels(graph, feeds) {
  const compiled = await compile(graph, { backend: values["tfjs-backend"] });
  await compiled.run(feeds); // warm-up
  const ours = { Winograd: winograd, pointwise, LSTM: lstmKernel };
  const before = Object.fromEntries(Object.entries(ours).map(([name, s]) => [name, { runs: s.runs, ms: s.ms }]));
  const info = await tf.profile(async () => {
    for (let i = 0; i < PROFILE_CALLS; i++) await compiled.run(feeds);
  });
  compiled.dispose();
  const byKernel = new Map();
  // Our kernels are not tfjs kernels, so tf.profile does not see them: add their own clocks.
  let total = 0;
  for (const [name, s] of Object.entries(ours)) {
    const ms = s.ms - before[name].ms;
    if (s.runs > before[name].runs) byKernel.set(`${name} (ours)`, { ms, calls: s.runs - before[name].runs });
    total += ms;
  }
  for (const k of info.kernels) {
    // "fusedConv2d__op" entries are op scopes wrapping the kernel ("FusedConv2D") already listed: not extra time.
    if (k.name.endsWith("__op")) continue;
    const ms = typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
    const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    entry.ms += ms;
    entry.calls += 1;
    byKernel.set(k.name, entry);
    total += ms;
  }
  for (const entry of byKernel.values()) {
    entry.ms /= PROFILE_CALLS;
    entry.calls /= PROFILE_CALLS;
  }
  total /= PROFILE_CALLS;
  return { total, kernels: [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms) };
}

const PROFILE_CALLS = 5;
const rows = [];
const m = machine();
console.error(`${m.cpu}, nproc ${m.nproc}, node ${m.node}, tfjs ${m.tfjs} (${values["tfjs-backend"]}), onnxruntime-node ${m.ort}`);
for (const file of modelFiles()) {
  const name = basename(file, ".onnx");
  const graph = await readOnnx(file);
  const ortThreads = values["ort-threads"] === undefined ? undefined : Number(values["ort-threads"]);
  const ort = await openRunner("ort", graph, ortThreads === undefined ? {} : { ortThreads });
  const tfjs = await openRunner("tfjs", graph, { tfjsBackend: values["tfjs-backend"] });
  for (const batch of batches) {
    const feeds = randomInputs(graph, { seed: 0, batch });
    const start = performance.now();
    await ort.run(feeds);
    await tfjs.run(feeds);
    const runs = Math.max(5, Math.min(maxRuns, Math.floor(budgetMs / (performance.now() - start))));
    const { ort: ortLatency, tfjs: tfjsLatency } = await measureInterleaved(
      { ort: () => ort.run(feeds), tfjs: () => tfjs.run(feeds) },
      { runs, warmup },
    );
    const ratio = tfjsLatency.medianMs / ortLatency.medianMs;
    rows.push({ name, batch, runs, ort: ortLatency.medianMs, tfjs: tfjsLatency.medianMs, ratio });
    console.error(`${name} b${batch}: ort ${ortLatency.medianMs} ms, tfjs ${tfjsLatency.medianMs} ms, ratio ${ratio.toFixed(2)}`);
    if (values.profile) {
      const p = await profileKernels(graph, feeds);
      const top = p.kernels.slice(0, 8).map(([k, e]) => `${k} ${e.ms.toFixed(1)} ms (${((100 * e.ms) / p.total).toFixed(0)}%, ${e.calls}×)`);
      console.error(`  tfjs kernels per call, ${p.total.toFixed(1)} ms in all: ${top.join("; ")}`);
    }
  }
  tfjs.dispose();
  ort.dispose();
}

const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const table = [
  "| model | batch | runs | onnxruntime ms | tfjs ms | tfjs / ort |",
  "|---|---:|---:|---:|---:|---:|",
  ...rows.map((r) => `| ${r.name} | ${r.batch} | ${r.runs} | ${fmt(r.ort)} | ${fmt(r.tfjs)} | ${r.ratio.toFixed(2)}× |`),
].join("\n");
const section = [
  "<!-- inference:start (written by bench/inference.mjs --write) -->",
  `Machine: ${m.cpu}, \`nproc\` = ${m.nproc}. Date: ${m.date}. Node ${m.node}, @tensorflow/tfjs-core ${m.tfjs} ` +
    `(backend \`${values["tfjs-backend"]}\`), onnxruntime-node ${m.ort} (${values["ort-threads"] ? `${values["ort-threads"]} intra-op thread(s)` : "default threads: one per core"}). ` +
    `Medians of up to ${maxRuns} runs (fewer for slow models: about ${values["budget-s"]} s each) after warm-up (at least ${warmup} runs and ${WARMUP_MS / 1000} s, past V8's tier-up of hot WebAssembly), random inputs, both runtimes in one process, their calls alternating.`,
  "",
  table,
  "<!-- inference:end -->",
].join("\n");
console.log(table);

if (values.write) {
  const path = join(ROOT, "BENCHMARKS.md");
  const current = existsSync(path) ? readFileSync(path, "utf8") : "# Benchmarks\n\n## Inference latency: tfjs runtime vs onnxruntime\n\n";
  const pattern = /<!-- inference:start[\s\S]*?<!-- inference:end -->/;
  writeFileSync(path, pattern.test(current) ? current.replace(pattern, section) : `${current.trimEnd()}\n\n${section}\n`);
  console.error(`wrote ${path}`);
}
