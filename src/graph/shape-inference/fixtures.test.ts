// Shape inference and counts on the repository's PyTorch-exported fixtures
// (scripts/make-fixtures.py): every intermediate value gets a full shape with
// the symbolic batch, and the outputs match what the exporter declared.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeModel } from "../../formats/onnx/index.js";
import { summarize } from "../counts.js";
import type { Graph } from "../types.js";
import { inferShapesWithReport } from "./index.js";

const MODELS = "test/fixtures/models";
const LARGE = "test/fixtures/large";
const fixtures = existsSync(MODELS) ? readdirSync(MODELS).filter((f) => f.endsWith(".onnx")).sort() : [];

/** The graph as read, minus every shape the exporter wrote after the inputs. */
function bare(graph: Graph): Graph {
  return { ...graph, outputs: graph.outputs.map((o) => ({ name: o.name, dtype: o.dtype })), valueInfo: new Map() };
}

describe.skipIf(fixtures.length === 0)("shape inference on PyTorch fixtures", () => {
  it.each(fixtures)("%s: every value fully shaped, outputs as exported", (file) => {
    const graph = decodeModel(readFileSync(join(MODELS, file)), { file });
    const report = inferShapesWithReport(bare(graph));
    expect(report.unknownOps).toEqual([]);
    expect(report.problems).toEqual([]);
    const partly = [...report.graph.valueInfo.values()].filter((v) => v.shape === undefined || v.shape.includes(null)).map((v) => v.name);
    expect(partly).toEqual([]);
    expect(report.graph.outputs.map((o) => [o.dtype, o.shape])).toEqual(graph.outputs.map((o) => [o.dtype, o.shape]));
    expect(summarize(graph).macsUnknown).toEqual([]);
  });
});

describe.skipIf(!existsSync(join(LARGE, "resnet18.onnx")))("counts on torchvision models", () => {
  // torchvision lists resnet18 at 11,689,512 parameters and 1.81 GMACs, mobilenet_v2 at
  // 3,504,872 and 0.30 GMACs. The exporter folds BatchNorm into the convolutions, so
  // each BatchNorm's scale and shift (2 per channel) become one conv bias per channel.
  it.each([
    ["resnet18", 11_689_512 - 4_800, 1_814_073_344],
    ["mobilenet_v2", 3_504_872 - 17_056, 300_774_272],
  ])("%s", (name, params, macs) => {
    const graph = decodeModel(readFileSync(join(LARGE, `${name}.onnx`)));
    const s = summarize(graph, { batch: 1 });
    expect(s.params).toBe(params);
    expect(s.macs).toBe(macs);
    expect(summarize(graph, { batch: 8 }).macs).toBe(8 * macs);
    expect(s.outputs).toEqual([{ name: graph.outputs[0].name, dtype: "float32", shape: ["batch", 1000] }]);
  });
});
