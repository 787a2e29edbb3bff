// ONNX read/write against ONNX's own conformance models (Debian's
// libonnx-testdata) and onnxruntime: every model decodes, re-encodes and
// decodes to the same Graph, and onnxruntime computes the same outputs from
// the original and the re-encoded bytes.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import type { Graph, Tensor } from "../../graph/types.js";
import { ORT_OPTIONS, expectSameTensor, sameData, toOrt } from "../../../test/formats/helpers.js";
import { readNpz } from "../numpy/npz.js";
import { decodeModel, decodeTensor, encodeModel, encodeTensor, readOnnx } from "./index.js";

const TESTDATA = "/usr/share/libonnx-testdata/data";
const SUITES = ["node", "pytorch-converted", "pytorch-operator", "simple", "real"];
const haveTestdata = existsSync(join(TESTDATA, "node"));
if (!haveTestdata) console.log(`skipping ONNX conformance round trips: ${TESTDATA} is missing (apt-get install libonnx-testdata)`);

interface Case {
  readonly dir: string;
  readonly model: string;
  readonly inputs: string[];
  readonly outputs: string[];
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const suite of SUITES) {
    const root = join(TESTDATA, suite);
    if (!existsSync(root)) continue;
    for (const name of readdirSync(root).sort()) {
      const dir = join(root, name);
      const model = join(dir, "model.onnx");
      if (!existsSync(model)) continue;
      const data = join(dir, "test_data_set_0");
      const pbs = existsSync(data) ? readdirSync(data).sort((a, b) => a.localeCompare(b, "en", { numeric: true })) : [];
      out.push({
        dir,
        model,
        inputs: pbs.filter((f) => f.startsWith("input_")).map((f) => join(data, f)),
        outputs: pbs.filter((f) => f.startsWith("output_")).map((f) => join(data, f)),
      });
    }
  }
  return out;
}

/**
 * Models whose values are sequences or optionals: Graph (ONNX-shaped but
 * tensor-only, as every supported op is) cannot hold them, and decoding says so.
 */
const NON_TENSOR_VALUES = /sequence, map, optional or sparse type|has no type/;

describe.runIf(haveTestdata)("ONNX conformance models", () => {
  const all = cases();
  /** Filled as models are decoded; each test decodes what it needs, so any may run alone. */
  const NON_TENSOR_DIRS = new Set<string>();
  function decodesAsTensorModel(c: Case): boolean {
    if (NON_TENSOR_DIRS.has(c.dir)) return false;
    try {
      decodeModel(readFileSync(c.model));
      return true;
    } catch (e) {
      if (!NON_TENSOR_VALUES.test((e as Error).message)) throw e;
      NON_TENSOR_DIRS.add(c.dir);
      return false;
    }
  }

  it("decode → encode → decode gives the same Graph for every tensor-valued model", () => {
    let roundTripped = 0;
    const refused: string[] = [];
    const opsets = new Set<number>();
    for (const c of all) {
      let graph: Graph;
      try {
        graph = decodeModel(readFileSync(c.model), { file: c.model });
      } catch (e) {
        expect((e as Error).name, c.model).toBe("FormatError");
        expect((e as Error).message, c.model).toMatch(NON_TENSOR_VALUES);
        expect((e as Error).message, c.model).toContain(c.model);
        refused.push(c.dir);
        NON_TENSOR_DIRS.add(c.dir);
        continue;
      }
      opsets.add(graph.opsets[""] ?? 0);
      expect(decodeModel(encodeModel(graph)), c.model).toEqual(graph);
      roundTripped++;
    }
    console.log(`${roundTripped} models round-tripped; ${refused.length} refused for sequence/optional values`);
    expect(roundTripped).toBeGreaterThan(1000);
    expect(refused.length).toBeLessThan(30);
    // Debian's test data stops at opset 17; opsets-11-21 below covers the newer ones.
    for (let v = 11; v <= 17; v++) expect(opsets.has(v), `some conformance model uses opset ${v}`).toBe(true);
  });

  it("decodeTensor → encodeTensor → decodeTensor keeps every test tensor", () => {
    let count = 0;
    for (const c of all) {
      for (const file of [...c.inputs, ...c.outputs]) {
        let decoded: { name: string; tensor: Tensor };
        try {
          decoded = decodeTensor(readFileSync(file), { file });
        } catch (e) {
          // Sequence/optional test data are SequenceProto/OptionalProto, not tensors.
          if (!decodesAsTensorModel(c)) continue;
          throw e;
        }
        const again = decodeTensor(encodeTensor(decoded.name, decoded.tensor));
        expect(again.name, file).toBe(decoded.name);
        expectSameTensor(again.tensor, decoded.tensor, file);
        count++;
      }
    }
    expect(count).toBeGreaterThan(2000);
  });

  it("onnxruntime computes identical outputs from original and re-encoded models", async () => {
    // Every control-flow model (subgraphs), every "simple" model, and a spread of
    // single-op and PyTorch-exported models (every 6th) keep this to a few seconds.
    const picked = all.filter(
      (c, i) =>
        !c.dir.includes("/real/") && // "real" holds only stubs of big models without weights
        (/\/test_(if|loop|scan)/.test(c.dir) || c.dir.includes("/simple/") || i % 6 === 0) &&
        decodesAsTensorModel(c),
    );
    let compared = 0;
    const ortRefused: string[] = [];
    for (const c of picked) {
      const original = readFileSync(c.model);
      let before: ort.InferenceSession;
      try {
        before = await ort.InferenceSession.create(original, ORT_OPTIONS);
      } catch {
        ortRefused.push(c.dir); // ops newer than this onnxruntime, or bfloat16/float8 kernels it lacks
        continue;
      }
      const after = await ort.InferenceSession.create(encodeModel(decodeModel(original, { file: c.model })), ORT_OPTIONS);
      expect(after.inputNames).toEqual(before.inputNames);
      expect(after.outputNames).toEqual(before.outputNames);
      const feeds: Record<string, ort.Tensor> = {};
      c.inputs.forEach((file, i) => {
        const name = before.inputNames[i];
        if (name !== undefined) feeds[name] = toOrt(decodeTensor(readFileSync(file)).tensor);
      });
      let expected: ort.InferenceSession.OnnxValueMapType;
      try {
        expected = await before.run(feeds);
      } catch {
        ortRefused.push(c.dir);
        continue;
      }
      const got = await after.run(feeds);
      for (const name of before.outputNames) {
        expect(got[name].dims, `${c.model} output ${name}`).toEqual(expected[name].dims);
        expect(sameData(got[name], expected[name]), `${c.model} output ${name}`).toBe(true);
      }
      compared++;
    }
    console.log(`onnxruntime parity on ${compared} models (${ortRefused.length} the runtime itself cannot run)`);
    expect(compared).toBeGreaterThan(150);
  });
});

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "test", "fixtures", "models");
const fixtureModels = existsSync(FIXTURES) ? readdirSync(FIXTURES).filter((f) => f.endsWith(".onnx")).sort() : [];

describe.runIf(fixtureModels.length > 0)("models exported by PyTorch (test/fixtures/models)", () => {
  it.each(fixtureModels)("%s round-trips and runs identically on onnxruntime", async (name) => {
    const path = join(FIXTURES, name);
    const graph = await readOnnx(path);
    const reencoded = encodeModel(graph);
    expect(decodeModel(reencoded)).toEqual(graph);
    const inputsFile = path.replace(/\.onnx$/, ".inputs.b3.npz");
    if (!existsSync(inputsFile)) return;
    const feeds: Record<string, ort.Tensor> = {};
    for (const [key, t] of await readNpz(inputsFile)) feeds[key] = toOrt(t);
    const before = await ort.InferenceSession.create(path, ORT_OPTIONS);
    const after = await ort.InferenceSession.create(reencoded, ORT_OPTIONS);
    const expected = await before.run(feeds);
    const got = await after.run(feeds);
    for (const out of before.outputNames) expect(sameData(got[out], expected[out]), `${name} output ${out}`).toBe(true);
  });
});
