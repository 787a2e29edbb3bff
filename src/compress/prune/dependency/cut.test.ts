// The channel cut against onnxruntime. For CNNs a cut is exact: removing a
// unit equals zeroing every index it owns (filters, biases, BatchNorm
// parameters, consumer inputs) in the original graph, because everything a
// removed channel reaches ends in a weighted consumer. So the pruned graph
// must compute what the zeroed original computes. Graphs whose channels also
// feed reductions (LayerNorm) only have to run, keep their outputs' shapes
// and match on the tfjs runtime.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readOnnx } from "../../../formats/onnx/index.js";
import { editGraph } from "../../../graph/edit.js";
import type { Graph, Tensor } from "../../../graph/types.js";
import { validateGraph } from "../../../graph/validate.js";
import { cnn, lenet5 } from "../../../models/zoo.js";
import { compareOutputs } from "../../../runtime/compare.js";
import { runOrt } from "../../../runtime/ort.js";
import { randomInputs } from "../../../runtime/random-inputs.js";
import { expectMatchesOrt } from "../../../../test/helpers/expect-matches-ort.js";
import { SWEEP_DIR } from "../../../../test/sweep/subset.js";
import { weightNormScores } from "../importance/weights.js";
import { planCut } from "../plan.js";
import { analyzeChannels, type Analysis } from "./analyze.js";
import { cutChannels } from "./apply.js";
import { channelGroups } from "./groups.js";
import type { UnitId } from "./types.js";

const MODELS = "test/fixtures/models";
const LARGE = "test/fixtures/large";

/** The original with every index of removed units set to zero. */
function zeroed(analysis: Analysis, removed: ReadonlySet<UnitId>): Graph {
  return editGraph(analysis.graph, (edit) => {
    const values = new Map<string, Float32Array>();
    for (const d of analysis.dependencies) {
      const t = analysis.graph.initializers.get(d.handler.initializer)! as Tensor<"float32">;
      const data = values.get(d.handler.initializer) ?? Float32Array.from(t.data);
      values.set(d.handler.initializer, data);
      const outer = t.dims.slice(0, d.handler.axis).reduce((a, b) => a * b, 1);
      const inner = t.dims.slice(d.handler.axis + 1).reduce((a, b) => a * b, 1);
      const n = t.dims[d.handler.axis]!;
      d.indexMapping.forEach((p, k) => {
        if (!removed.has(analysis.units.find(p))) return;
        for (let o = 0; o < outer; o++) data.fill(0, (o * n + k) * inner, (o * n + k + 1) * inner);
      });
    }
    for (const [name, data] of values) edit.setInitializer(name, { ...analysis.graph.initializers.get(name)!, data });
  });
}

function cut(graph: Graph, ratio: number) {
  const analysis = analyzeChannels(graph);
  const groups = channelGroups(analysis);
  const plan = planCut(groups, analysis.units, weightNormScores(analysis, "l1"), { ratio, minChannels: 1 }, analysis.graph, "l1 norm");
  return { analysis, plan, ...cutChannels(analysis, plan.removed, new Map()) };
}

const feedsFor = (graph: Graph, batch = 2) => {
  const symbols = graph.inputs.flatMap((i) => (i.shape ?? []).slice(1).filter((d): d is string => typeof d === "string"));
  return randomInputs(graph, { seed: 7, batch, dims: Object.fromEntries(symbols.map((s) => [s, 5])) });
};

async function expectExactCut(graph: Graph, ratio = 0.5): Promise<void> {
  const { analysis, plan, graph: pruned } = cut(graph, ratio);
  expect(plan.removed.size).toBeGreaterThan(0);
  validateGraph(pruned);
  const feeds = feedsFor(graph);
  const [reference, actual] = await Promise.all([runOrt(zeroed(analysis, plan.removed), feeds), runOrt(pruned, feeds)]);
  const diffs = compareOutputs(reference, actual);
  for (const d of diffs) expect(d.mismatch ?? d.maxRel, `${d.name}: ${d.mismatch ?? d.maxRel}`).toBeLessThan(1e-4);
}

async function expectRunnableCut(graph: Graph, ratio = 0.5): Promise<Graph> {
  const { plan, graph: pruned } = cut(graph, ratio);
  expect(plan.removed.size).toBeGreaterThan(0);
  const feeds = feedsFor(graph);
  const [before, after] = await Promise.all([runOrt(graph, feeds), runOrt(pruned, feeds)]);
  for (const o of graph.outputs) expect(after[o.name]!.dims).toEqual(before[o.name]!.dims);
  await expectMatchesOrt(pruned, feeds);
  return pruned;
}

const fixture = (dir: string, file: string) => join(dir, file);

describe("channel cut = zeroing the removed channels (onnxruntime)", () => {
  for (const file of ["residual_cnn.onnx", "mobile_block.onnx", "shuffle_block.onnx", "mlp.onnx"]) {
    it(file, async () => expectExactCut(await readOnnx(fixture(MODELS, file))), 60_000);
  }
  it("LeNet-5 (Flatten → Gemm) and a BatchNorm CNN from the zoo", async () => {
    await expectExactCut(lenet5({ seed: 1 }));
    await expectExactCut(cnn({ channels: [8, 16, 32], seed: 2 }), 0.4);
  });

  const large = ["resnet18.onnx", "mobilenet_v2.onnx"].map((f) => fixture(LARGE, f));
  const sweep = [
    "shufflenet_v2_x0_5.opset13.onnx", "mobilenet_v3_small.opset14.onnx", "resnext50_32x4d.opset13.onnx", "regnet_x_400mf.opset13.onnx",
    "regnet_y_400mf.opset13.onnx", "densenet121.opset13.onnx", "googlenet.opset13.onnx", "squeezenet1_1.opset13.onnx", "efficientnet_b0.opset13.onnx",
    "mnasnet0_5.opset13.onnx", "resnet18_batchnorm_kept.opset13.onnx", "convnext_tiny.opset13.onnx",
  ].map((f) => join(SWEEP_DIR, f));
  const present = [...large, ...sweep].filter((f) => existsSync(f));
  if (present.length < large.length + sweep.length) {
    console.warn(`channel cut: ${large.length + sweep.length - present.length} torchvision exports missing (${[...large, ...sweep].filter((f) => !present.includes(f)).join(", ")}); npm test exports them with Debian's PyTorch`);
  }
  for (const file of present) {
    // ConvNeXt's LayerNorm reduces over channels: a cut changes its statistics, so it is only required to run and agree across runtimes.
    const exact = !file.includes("convnext");
    it(`torchvision ${file.split("/").pop()}`, async () => (exact ? expectExactCut(await readOnnx(file)) : void (await expectRunnableCut(await readOnnx(file)))), 240_000);
  }
});

describe("channel cut on transformers: runs, keeps output shapes, tfjs agrees", () => {
  for (const file of ["transformer.onnx", "vit.onnx"]) {
    it(file, async () => {
      const pruned = await expectRunnableCut(await readOnnx(fixture(MODELS, file)));
      // The Shape → Gather → Concat chains that computed the old reshape targets are gone.
      expect(pruned.nodes.filter((n) => n.opType === "Shape").length).toBeLessThan((await readOnnx(fixture(MODELS, file))).nodes.filter((n) => n.opType === "Shape").length);
    }, 60_000);
  }
  for (const file of ["vit_small.opset14.onnx", "text_transformer_dynamic_seq.opset14.onnx"].map((f) => join(SWEEP_DIR, f)).filter((f) => existsSync(f))) {
    it(file.split("/").pop()!, async () => void (await expectRunnableCut(await readOnnx(file))), 120_000);
  }
});
