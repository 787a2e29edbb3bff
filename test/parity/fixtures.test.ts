// Every PyTorch fixture (scripts/make-fixtures.py) on the tfjs runtime matches
// onnxruntime, at batch 1 and 3 (the batch axis is dynamic), and both match the
// reference outputs stored beside the fixture (scripts/make-references.mjs).
import { describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { readOnnx } from "../../src/formats/onnx/index.js";
import { readNpz } from "../../src/formats/numpy/npz.js";
import { compareOutputs } from "../../src/runtime/compare.js";
import { expectMatchesOrt } from "../helpers/expect-matches-ort.js";

const MODELS = join(import.meta.dirname, "..", "fixtures", "models");
const FIXTURES = readdirSync(MODELS)
  .filter((f) => f.endsWith(".onnx"))
  .map((f) => f.slice(0, -".onnx".length))
  .sort();
const RTOL = 1e-4;

describe("PyTorch fixtures: tfjs runtime vs onnxruntime", () => {
  it("has every model family the issue lists", () => {
    expect(FIXTURES).toEqual(["gru", "lstm", "mlp", "mobile_block", "residual_cnn", "shuffle_block", "transformer", "vit"]);
  });

  for (const name of FIXTURES) {
    for (const batch of [1, 3]) {
      it(`${name}, batch ${batch}`, async () => {
        const graph = await readOnnx(join(MODELS, `${name}.onnx`));
        const inputs = Object.fromEntries(await readNpz(join(MODELS, `${name}.inputs.b${batch}.npz`)));
        const reference = Object.fromEntries(await readNpz(join(MODELS, `${name}.outputs.b${batch}.npz`)));
        const { tfjs, ort } = await expectMatchesOrt(graph, inputs, { rtol: RTOL });
        // onnxruntime through our ONNX encoder reproduces onnxruntime on the original file.
        for (const d of compareOutputs(ort, reference)) expect(d.maxRel, `${d.name}: ${d.mismatch ?? ""}`).toBeLessThanOrEqual(1e-6);
        for (const d of compareOutputs(tfjs, reference)) expect(d.maxRel, `${d.name}: ${d.mismatch ?? ""}`).toBeLessThanOrEqual(RTOL);
        expect(Object.values(tfjs).every((t) => t.dims[0] === batch)).toBe(true);
      });
    }
  }
});
