#!/usr/bin/env node
// Reference outputs for the fixtures written by scripts/make-fixtures.py:
// runs each exported .onnx file in onnxruntime-node, straight from the file's
// bytes (not through compactor's ONNX codec, so a codec bug cannot leak into
// the references), and writes NAME.outputs.bB.npz next to NAME.inputs.bB.npz.
// It also checks onnxruntime against PyTorch's own outputs (NAME.torch.bB.npz)
// so a bad export is caught here rather than blamed on a runtime later.
//
//   npm run build && node scripts/make-references.mjs [--large]
//
// This dev script imports onnxruntime-node directly, on purpose: in the library
// only src/runtime/ort.ts does.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
if (!existsSync(join(ROOT, "dist", "src", "formats", "numpy", "npz.js"))) {
  console.error("make-references: dist/ is missing; run `npm run build` first.");
  process.exit(1);
}
const { readNpz, writeNpz } = await import(new URL("../dist/src/formats/numpy/npz.js", import.meta.url).href);
const { compareOutputs } = await import(new URL("../dist/src/runtime/compare.js", import.meta.url).href);

const large = process.argv.includes("--large");
const dir = join(ROOT, "test", "fixtures", large ? "large" : "models");
/** Exporter sanity bound: onnxruntime vs PyTorch, relative to the output's largest magnitude. */
const TORCH_RTOL = 1e-4;

let failures = 0;
for (const file of readdirSync(dir).filter((f) => /\.inputs\.b\d+\.npz$/.test(f)).sort()) {
  const [name, , batchTag] = file.split(".");
  const session = await ort.InferenceSession.create(readFileSync(join(dir, `${name}.onnx`)));
  const inputs = await readNpz(join(dir, file));
  const feeds = {};
  for (const [key, t] of inputs) feeds[key] = new ort.Tensor(t.dtype, t.data, [...t.dims]);
  const results = await session.run(feeds);
  const outputs = new Map(
    session.outputNames.map((o) => [o, { dtype: results[o].type, dims: [...results[o].dims], data: results[o].data }]),
  );
  await writeNpz(join(dir, `${name}.outputs.${batchTag}.npz`), outputs);
  const torchFile = join(dir, `${name}.torch.${batchTag}.npz`);
  const torch = existsSync(torchFile) ? Object.fromEntries(await readNpz(torchFile)) : {};
  const diffs = compareOutputs(Object.fromEntries(outputs), torch);
  const worst = Math.max(...diffs.map((d) => d.maxRel));
  const ok = diffs.length > 0 && worst <= TORCH_RTOL;
  if (!ok) failures++;
  console.log(`${name} ${batchTag}: ${session.outputNames.join(", ")}; onnxruntime vs PyTorch max rel ${worst.toExponential(2)}${ok ? "" : "  <-- TOO FAR"}`);
  await session.release();
}
if (failures > 0) {
  console.error(`${failures} fixture(s) differ between onnxruntime and PyTorch beyond ${TORCH_RTOL}`);
  process.exit(1);
}
