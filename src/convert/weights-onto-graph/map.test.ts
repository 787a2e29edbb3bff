// Weights onto a graph, against real PyTorch: each fixture's state_dict
// (torch.save, scripts/make-pytorch-fixtures.py) goes into the same
// architecture exported with other weights, and onnxruntime then reproduces
// PyTorch's own outputs for the saved weights within 1e-4 (relative to the
// output's largest magnitude). The exported graph alone is far off, so each
// case shows the weights really moved.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { WeightMappingError } from "../../core/errors.js";
import type { Graph, Tensor } from "../../graph/types.js";
import { readNpz } from "../../formats/numpy/npz.js";
import { readOnnx } from "../../formats/onnx/index.js";
import { readTorch } from "../../formats/pytorch/state-dict.js";
import { readSafetensors } from "../../formats/safetensors/safetensors.js";
import { compareOutputs } from "../../runtime/compare.js";
import { runOrt } from "../../runtime/ort.js";
import { mappingTable, weightsOntoGraph, type WeightsOntoGraphOptions } from "./index.js";

const FIXTURES = join(import.meta.dirname, "..", "..", "..", "test", "fixtures", "pytorch");
const at = (name: string) => join(FIXTURES, name);

async function worstAgainstPyTorch(name: string, graph: Graph): Promise<number> {
  const inputs = Object.fromEntries(await readNpz(at(`${name}.inputs.npz`)));
  const expected = Object.fromEntries(await readNpz(at(`${name}.outputs.npz`)));
  return Math.max(...compareOutputs(await runOrt(graph, inputs), expected).map((d) => d.maxRel));
}

/** The error a conversion throws (and a failure when it does not). */
async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected the conversion to fail");
}

async function converted(name: string, weights?: ReadonlyMap<string, Tensor>, options?: WeightsOntoGraphOptions, graph?: Graph) {
  const g = graph ?? (await readOnnx(at(`${name}.onnx`)));
  return weightsOntoGraph(g, weights ?? (await readTorch(at(`${name}.pt`))).tensors, options);
}

/** The exporter's node names carry module scopes; without them only shape and order are left. */
const withoutScopes = (g: Graph): Graph => ({ ...g, nodes: g.nodes.map((n, i) => ({ ...n, name: `node${i}` })) });

const CASES = [
  ["cnn_bn", "Conv+BatchNorm folded (with and without conv bias), depthwise, residual, Linear"],
  ["mlp_norms", "Gemm, BatchNorm1d kept as a node, LayerNorm decomposed, deduplicated initializers"],
  ["encoder", "nn.TransformerEncoder: packed in_proj under MatMul (transposed), cloned layers deduplicated, Embedding, learned positions"],
  ["recurrent", "2-layer bidirectional LSTM and a GRU: gates reordered, directions stacked"],
] as const;

describe("weights onto an exported graph", () => {
  for (const [name, covers] of CASES) {
    it(`${name}: reproduces PyTorch within 1e-4 (${covers})`, async () => {
      const graph = await readOnnx(at(`${name}.onnx`));
      expect(await worstAgainstPyTorch(name, graph)).toBeGreaterThan(0.1);
      const result = await converted(name, undefined, undefined, graph);
      expect(await worstAgainstPyTorch(name, result.graph)).toBeLessThan(1e-4);
      expect(result.mapping.length).toBeGreaterThan(0);
      expect(result.mapping.every((m) => m.how === "name" || m.how === "scope")).toBe(true);
    });

    it(`${name}: by shape and order alone when node names carry no scopes`, async () => {
      const result = await converted(name, undefined, undefined, withoutScopes(await readOnnx(at(`${name}.onnx`))));
      expect(await worstAgainstPyTorch(name, result.graph)).toBeLessThan(1e-4);
      expect(result.mapping.some((m) => m.how === "order") || result.mapping.every((m) => m.how === "name")).toBe(true);
    });
  }

  it("prints what mapped to what: folded BatchNorms, transposes, gate order, and the ε assumed", async () => {
    const cnn = await converted("cnn_bn");
    expect(cnn.foldedBatchNorms).toEqual(["stem.1", "dw_bn", "pw_bn", "proj.1"]);
    const text = mappingTable(cnn).cells.map((row) => row.join(" | ")).join("\n");
    expect(text).toMatch(/onnx::Conv_\d+ \| Conv \/stem\/stem.0\/Conv \| stem.0.weight \+ stem.1.weight \+ stem.1.bias \+ stem.1.running_mean \+ stem.1.running_var \| scope \| BatchNorm stem.1 folded in/);
    expect(mappingTable(cnn).footer).toMatch(/4 BatchNorms folded into convs with ε = 0.00001 .*--bn-eps/);
    const encoder = await converted("encoder");
    expect(encoder.mapping.find((m) => m.keys[0] === "encoder.layers.1.self_attn.in_proj_weight")).toMatchObject({ op: "MatMul", note: "transposed" });
    const recurrent = await converted("recurrent");
    expect(recurrent.mapping.find((m) => m.keys.includes("lstm.weight_ih_l1_reverse"))?.note).toBe("gates reordered to ONNX's i,o,f,c, directions stacked");
  });

  it("strips a checkpoint's prefix and ignores what is outside it", async () => {
    const checkpoint = (await readTorch(at("checkpoint.pt"))).tensors;
    const result = await converted("cnn_bn", checkpoint);
    expect(result.prefix).toBe("model.");
    expect(await worstAgainstPyTorch("cnn_bn", result.graph)).toBeLessThan(1e-4);
  });

  it("takes weights from safetensors as well", async () => {
    const result = await converted("mlp_norms", (await readSafetensors(at("mlp_norms.safetensors"))).tensors);
    expect(await worstAgainstPyTorch("mlp_norms", result.graph)).toBeLessThan(1e-4);
    expect(result.ignored).toEqual(["bn.num_batches_tracked"]);
  });

  it("fails naming every graph initializer and every weight it could not map", async () => {
    const weights = (await readTorch(at("mlp_norms.pt"))).tensors;
    const error = await failure(converted("cnn_bn", weights));
    expect(error).toBeInstanceOf(WeightMappingError);
    expect(error.message).toMatch(/graph initializer "onnx::Conv_\d+" \[8, 3, 3, 3\] \(input 1 of Conv "\/stem\/stem.0\/Conv"\): no unused state_dict parameter fits it/);
    expect(error.message).toMatch(/graph initializer "head.weight" \[10, 256\] \(input 1 of Gemm "\/head\/Gemm"\)/);
    expect(error.message).toMatch(/state_dict entries that map to nothing in the graph: .*"fc1.weight" \[32, 20\]/);
  });

  it("refuses a named weight whose shape differs from the graph's", async () => {
    const weights = new Map((await readTorch(at("cnn_bn.pt"))).tensors);
    weights.set("head.weight", { dtype: "float32", dims: [10, 255], data: new Float32Array(2550) });
    const error = await failure(converted("cnn_bn", weights));
    expect(error.message).toMatch(/"head.weight" is float32 \[10, 255\] in the state_dict but float32 \[10, 256\] in the graph/);
  });

  it("names a missing parameter, and with allowUnused / keepUnmapped accepts partial weights", async () => {
    const weights = new Map((await readTorch(at("cnn_bn.pt"))).tensors);
    weights.delete("dw.weight");
    const error = await failure(converted("cnn_bn", weights));
    expect(error).toBeInstanceOf(WeightMappingError);
    expect(error.message).toMatch(/input 1 of Conv "\/dw\/Conv"/);
    expect(error.message).toMatch(/"dw.bias" \[8\], "dw_bn.weight"/);
    const partial = await converted("cnn_bn", weights, { allowUnused: true, keepUnmapped: true });
    expect(partial.kept.length).toBe(2);
    expect(partial.ignored).toContain("dw.bias");
  });
});
