// Writing: graphs we build ourselves encode to models onnxruntime runs, at every
// opset from 11 to 21; reading sorts out-of-order nodes, names unnamed ones and
// drops initializers that old exporters listed as inputs.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { float32, makeTensor } from "../../graph/tensor.js";
import { DEFAULT_META, type Graph, type Node } from "../../graph/types.js";
import { ORT_OPTIONS } from "../../../test/formats/helpers.js";
import { decodeModel, encodeModel, readOnnx, writeOnnx } from "./index.js";
import { onnxTypes } from "./proto.js";

function node(name: string, opType: string, inputs: string[], outputs: string[]): Node {
  return { name, opType, domain: "", inputs, outputs, attributes: {} };
}

/** y = relu(x·W + b), x: [batch, 3] with a symbolic batch dim. */
function mlp(opset: number): Graph {
  return {
    name: "mlp",
    nodes: [
      node("matmul", "MatMul", ["x", "W"], ["h"]),
      node("add", "Add", ["h", "b"], ["z"]),
      node("relu", "Relu", ["z"], ["y"]),
    ],
    inputs: [{ name: "x", dtype: "float32", shape: ["batch", 3] }],
    outputs: [{ name: "y", dtype: "float32", shape: ["batch", 2] }],
    initializers: new Map([
      ["W", float32([3, 2], [1, -1, 2, 0.5, -3, 1])],
      ["b", float32([2], [0.25, -0.5])],
    ]),
    valueInfo: new Map([["h", { name: "h", dtype: "float32", shape: ["batch", 2] }]]),
    opsets: { "": opset },
    meta: { ...DEFAULT_META, irVersion: opset >= 21 ? 10 : opset >= 19 ? 9 : 8, metadataProps: { purpose: "test" } },
  };
}

async function runOrt(bytes: Uint8Array, x: number[]): Promise<number[]> {
  const session = await ort.InferenceSession.create(bytes, ORT_OPTIONS);
  const out = await session.run({ x: new ort.Tensor("float32", Float32Array.from(x), [x.length / 3, 3]) });
  return Array.from(out.y.data as Float32Array);
}

describe("writing ONNX", () => {
  const x = [1, 2, 3, -1, 0, 4];
  // Computed by hand: row·W + b, then relu.
  const expected = [0, 2.5, 0, 4.5];

  it.each([11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21])("opset %i encodes, decodes back and runs on onnxruntime", async (opset) => {
    const graph = mlp(opset);
    const bytes = encodeModel(graph);
    expect(decodeModel(bytes)).toEqual(graph);
    expect(await runOrt(bytes, x)).toEqual(expected);
  });

  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "compactor-onnx-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writeOnnx writes through a temporary file and readOnnx reads it back", async () => {
    const path = join(dir, "mlp.onnx");
    await writeOnnx(mlp(17), path);
    expect(await readdir(dir)).toEqual(["mlp.onnx"]);
    expect(await readOnnx(path)).toEqual(mlp(17));
    await expect(writeOnnx(mlp(17), join(dir, "no-such-folder", "m.onnx"))).rejects.toThrow(/cannot write .*m.onnx: ENOENT; does the folder .*no-such-folder exist\?/);
    expect(await readdir(dir)).toEqual(["mlp.onnx"]);
  });

  it("keeps every attribute type, subgraphs included", () => {
    const branch = (value: number): Graph => ({
      ...mlp(17),
      name: `branch${value}`,
      nodes: [{ ...node(`c${value}`, "Constant", [], [`out${value}`]), attributes: { value: { type: "tensor", value: float32([1], [value]) } } }],
      inputs: [],
      outputs: [{ name: `out${value}`, dtype: "float32", shape: [1] }],
      initializers: new Map(),
      valueInfo: new Map(),
    });
    const attrs: Node["attributes"] = {
      f: { type: "float", value: Math.fround(0.1) },
      i: { type: "int", value: -7 },
      big: { type: "int", value: 2 ** 63 }, // INT64_MAX as old Slice "to the end"
      s: { type: "string", value: "héllo" },
      t: { type: "tensor", value: makeTensor("int64", [2], BigInt64Array.from([-1n, 2n ** 62n])) },
      g: { type: "graph", value: branch(1) },
      fs: { type: "floats", value: [1.5, -2] },
      is: { type: "ints", value: [0, 1, -1] },
      ss: { type: "strings", value: ["a", ""] },
      ts: { type: "tensors", value: [float32([], [3]), makeTensor("string", [2], ["x", "yz"])] },
      gs: { type: "graphs", value: [branch(2), branch(3)] },
    };
    const graph: Graph = { ...mlp(17), nodes: [...mlp(17).nodes, { ...node("custom", "Custom", ["y"], ["w"]), domain: "my.domain", attributes: attrs }] };
    const back = decodeModel(encodeModel(graph));
    expect(back.nodes[3].attributes).toEqual(attrs);
    expect(back).toEqual(graph);
  });
});

describe("reading ONNX written by other tools", () => {
  /** A ModelProto as protobufjs encodes it from a plain object, snake_case as in onnx.proto. */
  function model(graph: Record<string, unknown>, irVersion = 8): Uint8Array {
    return onnxTypes().model.encode({ ir_version: irVersion, opset_import: [{ domain: "", version: 13 }], graph }).finish();
  }
  const floatInput = (name: string, dims: number[]) => ({
    name,
    type: { tensor_type: { elem_type: 1, shape: { dim: dims.map((d) => ({ dim_value: d })) } } },
  });

  it("sorts nodes that are not in topological order and names unnamed ones", async () => {
    const bytes = model({
      name: "g",
      node: [
        { op_type: "Relu", input: ["a"], output: ["y"] },
        { op_type: "Neg", input: ["x"], output: ["a"] },
        { op_type: "Abs", name: "Neg_1", input: ["y"], output: ["z"] }, // already takes the name "Neg_1" would get
      ],
      input: [floatInput("x", [2])],
      output: [floatInput("z", [2])],
    });
    const graph = decodeModel(bytes);
    expect(graph.nodes.map((n) => `${n.opType}:${n.name}`)).toEqual(["Neg:Neg_1_1", "Relu:Relu_0", "Abs:Neg_1"]);
    const session = await ort.InferenceSession.create(encodeModel(graph), ORT_OPTIONS);
    const out = await session.run({ x: new ort.Tensor("float32", Float32Array.from([3, -4]), [2]) });
    expect(Array.from(out.z.data as Float32Array)).toEqual([0, 4]);
  });

  it("leaves initializers out of the inputs (IR 3) and lists them again when writing IR 3", async () => {
    const bytes = model(
      {
        name: "g",
        node: [{ op_type: "Add", name: "add", input: ["x", "b"], output: ["y"] }],
        initializer: [{ name: "b", dims: [2], data_type: 1, float_data: [10, 20] }],
        input: [floatInput("x", [2]), floatInput("b", [2])],
        output: [floatInput("y", [2])],
      },
      3,
    );
    const graph = decodeModel(bytes);
    expect(graph.inputs.map((v) => v.name)).toEqual(["x"]);
    expect(Array.from(graph.initializers.get("b")!.data as Float32Array)).toEqual([10, 20]);
    const written = encodeModel(graph);
    const proto = onnxTypes().model.decode(written) as unknown as { graph: { input: { name: string }[] } };
    expect(proto.graph.input.map((v) => v.name)).toEqual(["x", "b"]);
    const session = await ort.InferenceSession.create(written, ORT_OPTIONS);
    const out = await session.run({ x: new ort.Tensor("float32", Float32Array.from([1, 2]), [2]) });
    expect(Array.from(out.y.data as Float32Array)).toEqual([11, 22]);
  });

  it("reads dims as numbers, names or null, and a missing shape as unknown rank", () => {
    const bytes = model({
      name: "g",
      node: [{ op_type: "Identity", name: "id", input: ["x"], output: ["y"] }],
      input: [{ name: "x", type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_param: "N" }, {}, { dim_value: 0 }] } } } }],
      output: [{ name: "y", type: { tensor_type: { elem_type: 1 } } }],
    });
    const graph = decodeModel(bytes);
    expect(graph.inputs[0].shape).toEqual(["N", null, 0]);
    expect(graph.outputs[0].shape).toBeUndefined();
  });
});
