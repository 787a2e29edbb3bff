#!/usr/bin/env node
// Robustness sweep: every model exported by scripts/sweep-torchvision.py runs on
// the tfjs runtime and on onnxruntime with the same seeded inputs at batch 1 and
// 2; the result per model is the max error relative to the output's largest
// magnitude (pass ≤ 1e-4), or the error that stopped it, and the time of each run.
// Each model runs in its own child process, so one crash or a runaway model costs
// only its own row and memory is returned between models.
//
//   npm run build
//   /usr/bin/python3 scripts/sweep-torchvision.py
//   node bench/sweep.mjs [--models a,b] [--opsets 13,14] [--timeout-s 600] [--write]
//
// --write replaces the "torchvision sweep" section of BENCHMARKS.md with the table.
// Plain JS over the compiled library (dist/), so it needs no TypeScript loader.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SWEEP_DIR = join(ROOT, "test", "fixtures", "large", "sweep");
const RTOL = 1e-4;
const BATCHES = [1, 2];
const SEED = 7;
/** Length of a symbolic "seq" axis at run time: not the export-time 11, so shapes must really be dynamic. */
const SEQ = 7;
const dist = (p) => new URL(`../dist/src/${p}`, import.meta.url).href;

const { values } = parseArgs({
  options: {
    models: { type: "string" },
    opsets: { type: "string" },
    "timeout-s": { type: "string", default: "600" },
    write: { type: "boolean", default: false },
    one: { type: "string" },
  },
});

/** Child mode: run one manifest entry, print one JSON line. */
async function runOne(entry) {
  const { readOnnx } = await import(dist("formats/onnx/index.js"));
  const { randomInputs } = await import(dist("runtime/random-inputs.js"));
  const { runOrt } = await import(dist("runtime/ort.js"));
  const { compile } = await import(dist("runtime/tfjs/compile.js"));
  const { compareOutputs } = await import(dist("runtime/compare.js"));
  const result = { name: entry.name, opset: entry.opset, batches: [] };
  let stage = "read";
  try {
    const graph = await readOnnx(join(SWEEP_DIR, entry.file));
    stage = "compile";
    let start = performance.now();
    const compiled = await compile(graph, { backend: "wasm" });
    result.compileMs = performance.now() - start;
    for (const batch of BATCHES) {
      stage = `batch ${batch}`;
      const inputs = randomInputs(graph, { seed: SEED + batch, batch, dims: { batch, seq: SEQ }, intMax: entry.intMax ?? 2 });
      start = performance.now();
      const reference = await runOrt(graph, inputs);
      const ortMs = performance.now() - start;
      start = performance.now();
      const actual = await compiled.run({ ...inputs });
      const tfjsMs = performance.now() - start;
      const diffs = compareOutputs(actual, reference);
      const maxRel = Math.max(...diffs.map((d) => d.maxRel));
      // An all-zero reference would make any comparison pass: a sweep bug, reported as a failure.
      const degenerate = diffs.filter((d) => d.scale === 0).map((d) => `reference output ${d.name} is all zeros`);
      const mismatch = [...diffs.map((d) => d.mismatch).filter(Boolean), ...degenerate].join("; ");
      result.batches.push({ batch, maxRel, ...(mismatch ? { mismatch } : {}), tfjsMs, ortMs });
    }
    compiled.dispose();
  } catch (error) {
    result.error = `${stage}: ${error?.name ?? "Error"}: ${String(error?.message ?? error).split("\n").slice(0, 6).join(" | ")}`;
  }
  result.pass = result.error === undefined && result.batches.every((b) => b.mismatch === undefined && b.maxRel <= RTOL);
  return result;
}

if (values.one !== undefined) {
  console.log(JSON.stringify(await runOne(JSON.parse(values.one))));
  process.exit(0);
}

if (!existsSync(join(ROOT, "dist", "src", "runtime", "tfjs", "compile.js"))) {
  console.error("bench/sweep.mjs: dist/ is missing; run `npm run build` first.");
  process.exit(1);
}
const manifestPath = join(SWEEP_DIR, "manifest.json");
if (!existsSync(manifestPath)) {
  console.error(`bench/sweep.mjs: ${manifestPath} is missing; run /usr/bin/python3 scripts/sweep-torchvision.py first.`);
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
const wantedModels = values.models?.split(",");
const wantedOpsets = values.opsets?.split(",").map(Number);
const selected = (m) => (!wantedModels || wantedModels.includes(m.name)) && (!wantedOpsets || wantedOpsets.includes(m.opset));
const entries = manifest.models.filter(selected);

const results = [];
for (const entry of entries) {
  let result;
  try {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), "--one", JSON.stringify(entry)], {
      timeout: Number(values["timeout-s"]) * 1000,
      maxBuffer: 1 << 24,
      stdio: ["ignore", "pipe", "pipe"],
    });
    result = JSON.parse(out.toString().trim().split("\n").pop());
  } catch (error) {
    const why = error.signal ? `killed (${error.signal}${error.signal === "SIGTERM" ? `, over ${values["timeout-s"]} s` : ""})` : `exit ${error.status}`;
    const stderr = String(error.stderr ?? "").trim().split("\n").slice(-3).join(" | ");
    result = { name: entry.name, opset: entry.opset, batches: [], pass: false, error: `${why}: ${stderr}` };
  }
  results.push({ ...result, family: entry.family, params: entry.params, ops: entry.ops });
  const worst = result.batches.length ? Math.max(...result.batches.map((b) => b.maxRel)).toExponential(1) : "-";
  console.log(`${result.pass ? "PASS" : "FAIL"} ${entry.name} opset ${entry.opset}: max rel ${worst}${result.error ? ` — ${result.error}` : ""}`);
}
const exportFailures = (manifest.failed ?? []).filter(selected);
for (const f of exportFailures) console.log(`EXPORT FAILED ${f.name} opset ${f.opset}: ${f.error}`);

mkdirSync(join(ROOT, "bench", "out"), { recursive: true });
writeFileSync(join(ROOT, "bench", "out", "sweep.json"), JSON.stringify({ results, exportFailures }, null, 1));
const passed = results.filter((r) => r.pass).length;
console.log(`${passed}/${results.length} pass (rtol ${RTOL}); details in bench/out/sweep.json`);

function fmt(ms) {
  return ms === undefined ? "-" : ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

function table() {
  const rows = results.map((r) => {
    const b = Object.fromEntries(r.batches.map((x) => [x.batch, x]));
    const rel = (x) => (x === undefined ? "-" : x.mismatch ? `mismatch: ${x.mismatch}` : x.maxRel.toExponential(1));
    const status = r.pass ? "pass" : `**FAIL**${r.error ? `: ${r.error.replaceAll("|", "/")}` : ""}`;
    return `| ${r.name} | ${r.opset} | ${r.family} | ${(r.params / 1e6).toFixed(2)} | ${rel(b[1])} | ${rel(b[2])} | ${fmt(b[2]?.tfjsMs)} | ${fmt(b[2]?.ortMs)} | ${status} |`;
  });
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  return [
    "## torchvision sweep",
    "",
    `Every model exported by \`scripts/sweep-torchvision.py\` (random weights, randomized BatchNorm/LayerNorm, dynamic batch axis,`,
    `opsets 13 and 14; smaller images than 224×224 where the architecture allows) run by \`node bench/sweep.mjs --write\` on the`,
    `tfjs runtime (wasm) and on onnxruntime with the same seeded inputs. "max rel" is the largest |tfjs − ort| over the output's`,
    `largest |ort| value; pass is ≤ ${RTOL} at batch 1 and 2. Times are single runs at batch 2 (the second call after compile, so`,
    `not a latency benchmark; see the inference section for that), on ${cpu} shared with other jobs.`,
    "",
    `**${passed}/${results.length} pass.**${exportFailures.length ? ` Export failures (PyTorch's exporter, not our runtime): ${exportFailures.map((f) => `${f.name}@${f.opset} (${f.error.split(". Please")[0]})`).join("; ")}.` : " Every model in the sweep exported."}`,
    "",
    "Not in the sweep, on purpose: vgg11/13/16/19 (133M+ parameters, 500+ MB each; the same ops as alexnet, which is in);",
    "vit_b_16 at full size (torchvision's own VisionTransformer class with 2 layers stands in: vit_small); swin_v2_t",
    "(PyTorch 1.13's exporter fails, see above). LocalResponseNorm exports with an If node (subgraphs), which the tfjs",
    "runtime refuses with UnsupportedOpError. Fixes the sweep led to: Mod (Swin's window padding), the batch axis of",
    "sequence-first inputs in `--batch`, Celu, Softsign, Sign, Round, IsNaN, IsInf, ReduceLogSumExp/L1/SumSquare/LogSum.",
    "",
    "| model | opset | family | params (M) | max rel b1 | max rel b2 | tfjs ms b2 | ort ms b2 | status |",
    "|---|---|---|---|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}

if (values.write) {
  const path = join(ROOT, "BENCHMARKS.md");
  const text = existsSync(path) ? readFileSync(path, "utf8") : "# Benchmarks\n";
  const start = text.indexOf("## torchvision sweep");
  let next;
  if (start >= 0) {
    const after = text.indexOf("\n## ", start + 1);
    next = text.slice(0, start) + table() + (after >= 0 ? text.slice(after + 1) : "");
  } else {
    next = `${text.trimEnd()}\n\n${table()}`;
  }
  writeFileSync(path, next);
  console.log("wrote the torchvision sweep section of BENCHMARKS.md");
}
process.exitCode = passed === results.length ? 0 : 1;
