// Every malformed or hostile ONNX input is a FormatError naming the file and
// what was wrong; external data never leaves the model's folder.
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FormatError } from "../../core/errors.js";
import { float32 } from "../../graph/tensor.js";
import type { Graph, Tensor } from "../../graph/types.js";
import { ORT_OPTIONS } from "../../../test/formats/helpers.js";
import { decodeModel, decodeTensor, encodeModel, encodeTensor, readOnnx } from "./index.js";
import { onnxTypes } from "./proto.js";

const FILE = "bad.onnx";

/** y = x + w, with the initializer `w` given as a raw TensorProto object. */
function addModel(w: Record<string, unknown>): Uint8Array {
  const floatValue = (name: string) => ({ name, type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: 2 }] } } } });
  return onnxTypes()
    .model.encode({
      ir_version: 8,
      opset_import: [{ domain: "", version: 13 }],
      graph: {
        name: "g",
        node: [{ op_type: "Add", name: "add", input: ["x", "w"], output: ["y"] }],
        initializer: [{ name: "w", ...w }],
        input: [floatValue("x")],
        output: [floatValue("y")],
      },
    })
    .finish();
}

function expectFormatError(run: () => unknown, ...fragments: (string | RegExp)[]): void {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(FormatError);
  for (const f of fragments) expect((error as Error).message).toMatch(f);
}

/** Deterministic garbage: a tiny LCG, so a failure reproduces. */
function garbage(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

describe("malformed ONNX bytes", () => {
  const good = addModel({ dims: [2], data_type: 1, raw_data: new Uint8Array(8) });

  it("accepts the well-formed model the cases below break", () => {
    expect(decodeModel(good, { file: FILE }).initializers.get("w")?.dims).toEqual([2]);
  });

  it("truncated bytes", () => {
    for (const cut of [1, 7, good.length >> 1, good.length - 3]) {
      expectFormatError(() => decodeModel(good.subarray(0, cut), { file: FILE }), FILE, /truncated or malformed|no graph/);
    }
  });

  it("garbage bytes and text", () => {
    for (let seed = 1; seed <= 20; seed++) expectFormatError(() => decodeModel(garbage(512, seed), { file: FILE }), FILE);
    expectFormatError(() => decodeModel(new TextEncoder().encode("<html>not a model</html>"), { file: FILE }), FILE);
  });

  it("empty bytes", () => {
    expectFormatError(() => decodeModel(new Uint8Array(0), { file: FILE }), FILE, "no graph", "empty");
  });

  it("a protobuf that is not a model (a TensorProto .pb)", () => {
    expectFormatError(() => decodeModel(encodeTensor("t", float32([3], [1, 2, 3])), { file: "input_0.pb" }), "input_0.pb", /not an ONNX model/);
  });

  it("a model without a graph", () => {
    const bytes = onnxTypes().model.encode({ ir_version: 8, producer_name: "x" }).finish();
    expectFormatError(() => decodeModel(bytes, { file: FILE }), FILE, "has no graph");
  });

  it("raw_data shorter than the dims need, refused before allocating", () => {
    const bytes = addModel({ dims: [1000, 1000], data_type: 1, raw_data: new Uint8Array(16) });
    expectFormatError(() => decodeModel(bytes, { file: FILE }), FILE, 'initializer "w"', "need 4000000 bytes but raw_data has 16");
  });

  it("absurd and negative dims", () => {
    const huge = addModel({ dims: [2 ** 40, 2 ** 40, 2 ** 40], data_type: 1, raw_data: new Uint8Array(8) });
    expectFormatError(() => decodeModel(huge, { file: FILE }), FILE, "refused");
    const negative = addModel({ dims: [-2], data_type: 1, raw_data: new Uint8Array(8) });
    expectFormatError(() => decodeModel(negative, { file: FILE }), FILE, "not a size");
  });

  it("typed data fields with the wrong count", () => {
    const bytes = addModel({ dims: [3], data_type: 1, float_data: [1, 2] });
    expectFormatError(() => decodeModel(bytes, { file: FILE }), FILE, "float_data has 2");
  });

  it("unknown and unsupported data types", () => {
    expectFormatError(() => decodeModel(addModel({ dims: [2], data_type: 99, raw_data: new Uint8Array(8) }), { file: FILE }), FILE, "unknown data type 99");
    expectFormatError(() => decodeModel(addModel({ dims: [2], data_type: 14, raw_data: new Uint8Array(16) }), { file: FILE }), FILE, "COMPLEX64", "not supported");
    expectFormatError(() => decodeModel(addModel({ dims: [2], raw_data: new Uint8Array(8) }), { file: FILE }), FILE, "no data_type");
  });

  it("an attribute whose type says STRING but holds no string reads as the empty string (found by the fuzzer)", () => {
    const bytes = onnxTypes()
      .model.encode({
        ir_version: 8,
        opset_import: [{ domain: "", version: 13 }],
        graph: {
          name: "g",
          node: [{ op_type: "Identity", name: "id", input: ["x"], output: ["y"], attribute: [{ name: "note", type: 3 }] }],
          input: [{ name: "x", type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: 2 }] } } } }],
          output: [{ name: "y", type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: 2 }] } } } }],
        },
      })
      .finish();
    expect(decodeModel(bytes).nodes[0]!.attributes.note).toEqual({ type: "string", value: "" });
  });

  it("a cycle between nodes", () => {
    const v = (name: string) => ({ name, type: { tensor_type: { elem_type: 1 } } });
    const bytes = onnxTypes()
      .model.encode({
        ir_version: 8,
        opset_import: [{ domain: "", version: 13 }],
        graph: {
          node: [
            { op_type: "Add", name: "a", input: ["x", "c"], output: ["b"] },
            { op_type: "Relu", name: "r", input: ["b"], output: ["c"] },
          ],
          input: [v("x")],
          output: [v("c")],
        },
      })
      .finish();
    expectFormatError(() => decodeModel(bytes, { file: FILE }), FILE, "cycle");
  });

  it("things Graph cannot hold: called local functions, sparse initializers, function attribute references", () => {
    const v = (name: string) => ({ name, type: { tensor_type: { elem_type: 1 } } });
    const model = (graph: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      onnxTypes()
        .model.encode({ ir_version: 8, opset_import: [{ domain: "", version: 13 }, { domain: "local", version: 1 }], graph, ...extra })
        .finish();
    const calls = model(
      { node: [{ op_type: "MyRelu", domain: "local", name: "f", input: ["x"], output: ["y"] }], input: [v("x")], output: [v("y")] },
      { functions: [{ name: "MyRelu", domain: "local", input: ["a"], output: ["b"], node: [{ op_type: "Relu", input: ["a"], output: ["b"] }] }] },
    );
    expectFormatError(() => decodeModel(calls, { file: FILE }), FILE, 'nodes "f" (local.MyRelu) call model-local functions');
    const unused = model(
      { node: [{ op_type: "Relu", name: "r", input: ["x"], output: ["y"] }], input: [v("x")], output: [v("y")] },
      { functions: [{ name: "MyRelu", domain: "local", input: ["a"], output: ["b"] }] },
    );
    expect(decodeModel(unused).nodes.map((n) => n.opType)).toEqual(["Relu"]);
    const sparse = model({
      node: [{ op_type: "Relu", name: "r", input: ["x"], output: ["y"] }],
      sparse_initializer: [{ values: { name: "s", dims: [1], data_type: 1, float_data: [1] }, indices: { dims: [1], data_type: 7, int64_data: [0] }, dims: [4] }],
      input: [v("x")],
      output: [v("y")],
    });
    expectFormatError(() => decodeModel(sparse, { file: FILE }), FILE, "sparse initializer");
    const ref = model({
      node: [{ op_type: "LeakyRelu", name: "l", input: ["x"], output: ["y"], attribute: [{ name: "alpha", type: 1, ref_attr_name: "a" }] }],
      input: [v("x")],
      output: [v("y")],
    });
    expectFormatError(() => decodeModel(ref, { file: FILE }), FILE, 'node "l" (LeakyRelu), attribute "alpha"', "ref_attr_name");
  });

  it("a missing model file", async () => {
    await expect(readOnnx("/nonexistent/model.onnx")).rejects.toThrow(/nonexistent\/model.onnx: cannot read the model file \(ENOENT\)/);
  });

  it("a graph over the 2 GB protobuf limit is refused when writing", () => {
    const huge = { dtype: "float32", dims: [2 ** 30], data: { byteLength: 2 ** 32 } } as unknown as Tensor;
    const graph = { ...decodeModel(addModel({ dims: [2], data_type: 1, raw_data: new Uint8Array(8) })), initializers: new Map([["w", huge]]) } as Graph;
    expect(() => encodeModel(graph)).toThrow(/over the 2 GB protobuf limit/);
  });

  it("TensorProto files: garbage and short data", () => {
    expectFormatError(() => decodeTensor(garbage(64, 3), { file: "input_0.pb" }), "input_0.pb");
    const short = onnxTypes().tensor.encode({ name: "t", dims: [4], data_type: 7, raw_data: new Uint8Array(8) }).finish();
    expectFormatError(() => decodeTensor(short, { file: "input_0.pb" }), "input_0.pb", 'tensor "t"', "need 32 bytes but raw_data has 8");
  });
});

describe("typed data fields", () => {
  it("reads every typed field ONNX defines", () => {
    const t = (p: Record<string, unknown>): Tensor => decodeTensor(onnxTypes().tensor.encode({ name: "t", ...p }).finish()).tensor;
    expect(t({ dims: [2], data_type: 1, float_data: [1.5, -2] }).data).toEqual(Float32Array.from([1.5, -2]));
    expect(t({ dims: [2], data_type: 11, double_data: [0.1, 3] }).data).toEqual(Float64Array.from([0.1, 3]));
    expect(t({ dims: [2], data_type: 7, int64_data: [-1, "9007199254740993"] }).data).toEqual(BigInt64Array.from([-1n, 9007199254740993n]));
    expect(t({ dims: [1], data_type: 13, uint64_data: ["18446744073709551615"] }).data).toEqual(BigUint64Array.from([2n ** 64n - 1n]));
    expect(t({ dims: [2], data_type: 12, uint64_data: [4294967295, 1] }).data).toEqual(Uint32Array.from([4294967295, 1]));
    expect(t({ dims: [2], data_type: 10, int32_data: [0x3c00, 0xbc00] }).data).toEqual(Uint16Array.from([0x3c00, 0xbc00]));
    expect(t({ dims: [3], data_type: 9, int32_data: [1, 0, 1] })).toMatchObject({ dtype: "bool", data: Uint8Array.from([1, 0, 1]) });
    expect(t({ dims: [2], data_type: 3, int32_data: [-128, 127] }).data).toEqual(Int8Array.from([-128, 127]));
    expect(t({ dims: [2], data_type: 8, string_data: [new TextEncoder().encode("ab"), new Uint8Array()] }).data).toEqual(["ab", ""]);
    expect(t({ dims: [0, 3], data_type: 1 }).data).toEqual(new Float32Array(0));
    expect(t({ dims: [], data_type: 6, int32_data: [42] })).toMatchObject({ dims: [], data: Int32Array.from([42]) });
  });
});

describe("external data", () => {
  let root: string;
  let modelDir: string;
  /** 4 bytes of padding then w = [10, 20] as float32, like a real weights file with an offset. */
  const weights = new Uint8Array(new Float32Array([-1, 10, 20]).buffer);

  const external = (entries: Record<string, string>) =>
    addModel({ dims: [2], data_type: 1, data_location: 1, external_data: Object.entries(entries).map(([key, value]) => ({ key, value })) });

  async function writeModel(name: string, entries: Record<string, string>): Promise<string> {
    const path = join(modelDir, name);
    await writeFile(path, external(entries));
    return path;
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "compactor-extdata-"));
    modelDir = join(root, "model");
    await mkdir(modelDir);
    await writeFile(join(modelDir, "weights.bin"), weights);
    await writeFile(join(root, "outside.bin"), weights);
    await symlink(join(root, "outside.bin"), join(modelDir, "escape.bin"));
    await mkdir(join(modelDir, "sub"));
    await symlink(join(modelDir, "weights.bin"), join(modelDir, "sub", "inside.bin"));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("reads data inside the model's folder, as onnxruntime does", async () => {
    const path = await writeModel("ok.onnx", { location: "weights.bin", offset: "4", length: "8" });
    const graph = await readOnnx(path);
    expect(graph.initializers.get("w")!.data).toEqual(Float32Array.from([10, 20]));
    const feeds = { x: new ort.Tensor("float32", Float32Array.from([1, 2]), [2]) };
    const fromFile = await (await ort.InferenceSession.create(path, ORT_OPTIONS)).run(feeds);
    const reencoded = await (await ort.InferenceSession.create(encodeModel(graph), ORT_OPTIONS)).run(feeds);
    expect(reencoded.y.data).toEqual(fromFile.y.data);
    expect(Array.from(fromFile.y.data as Float32Array)).toEqual([11, 22]);
  });

  it("follows symlinks that stay inside the folder", async () => {
    const path = await writeModel("sub.onnx", { location: "sub/inside.bin", offset: "4" });
    expect((await readOnnx(path)).initializers.get("w")!.data).toEqual(Float32Array.from([10, 20]));
  });

  it("refuses '..', absolute paths and symlinks out of the folder", async () => {
    await expect(readOnnx(await writeModel("dotdot.onnx", { location: "../outside.bin" }))).rejects.toThrow(/dotdot.onnx: .*contains "\.\."/);
    await expect(readOnnx(await writeModel("abs.onnx", { location: join(root, "outside.bin") }))).rejects.toThrow(/abs.onnx: .*absolute path/);
    await expect(readOnnx(await writeModel("link.onnx", { location: "escape.bin" }))).rejects.toThrow(/link.onnx: .*outside the model's folder/);
  });

  it("refuses missing files, ranges past the end and wrong lengths", async () => {
    await expect(readOnnx(await writeModel("missing.onnx", { location: "nope.bin" }))).rejects.toThrow(/missing.onnx: .*"nope.bin" not found/);
    await expect(readOnnx(await writeModel("past.onnx", { location: "weights.bin", offset: "8" }))).rejects.toThrow(/past.onnx: .*runs past the end/);
    await expect(readOnnx(await writeModel("len.onnx", { location: "weights.bin", length: "4" }))).rejects.toThrow(/len.onnx: .*length 4 does not match the 8 bytes/);
    await expect(readOnnx(await writeModel("key.onnx", { location: "weights.bin", evil: "1" }))).rejects.toThrow(/unknown external data key "evil"/);
    await expect(readOnnx(await writeModel("dir.onnx", { location: "sub" }))).rejects.toThrow(/dir.onnx: .*"sub" is not a regular file/);
    await expect(readOnnx(await writeModel("dot.onnx", { location: "." }))).rejects.toThrow(/dot.onnx: .*is the model's folder, not a file/);
  });

  it("refuses external data when decoding bare bytes without a folder", () => {
    expectFormatError(() => decodeModel(external({ location: "weights.bin" }), { file: FILE }), FILE, "no folder was given");
  });
});
