// The 1×1 convolution on our matrix kernel (pointwise.c through
// pointwise.ts): onnxruntime's values for every case it accepts, and exactly
// the convs it is meant for (its run counter, so a silent fallback fails).
import { beforeAll, describe, expect, it } from "vitest";
import { expectMatchesOrt } from "../../../../test/helpers/expect-matches-ort.js";
import { type ConvCase, convGraph } from "../../../../test/helpers/conv-graph.js";
import { randomTensor } from "../../../../test/helpers/tfjs-graphs.js";
import type { Graph } from "../../../graph/types.js";
import { initBackend } from "../backends.js";
import { compile } from "../compile.js";
import { tf } from "../tf.js";
import { MIN_INPUT_CHANNELS, pointwise } from "./pointwise.js";

beforeAll(async () => {
  await initBackend("wasm");
});

type Case = ConvCase;
const pointwiseGraph = (c: Case): Graph => convGraph({ kernel: [1, 1], ...c });

async function pointwiseRuns(graph: Graph, dims: number[]): Promise<number> {
  const compiled = await compile(graph, { backend: "wasm" });
  try {
    const before = pointwise.runs;
    await compiled.run({ x: randomTensor(dims, 5) });
    return pointwise.runs - before;
  } finally {
    compiled.dispose();
  }
}

const CASES: Case[] = [
  { name: "bias, pixels not a multiple of 4", batch: 1, c: 64, k: 8, hw: [5, 7], bias: true },
  { name: "K not a multiple of 8 (a half panel)", batch: 2, c: 65, k: 12, hw: [6, 6], bias: true },
  { name: "fused Relu, many rows (several blocks of 64)", batch: 3, c: 72, k: 40, hw: [14, 13], bias: true, then: "Relu" },
  { name: "fused Clip(0, 6)", batch: 1, c: 96, k: 16, hw: [4, 4], bias: true, then: "Clip6" },
  { name: "stride 2 (ResNet's downsample)", batch: 2, c: 64, k: 16, hw: [9, 8], attrs: { strides: [2, 2] } },
  { name: "strides 3 and 1", batch: 1, c: 64, k: 4, hw: [7, 5], attrs: { strides: [3, 1] }, bias: true },
  { name: "one pixel", batch: 1, c: 67, k: 4, hw: [1, 1] },
];

describe("pointwise convolution on our matrix kernel matches onnxruntime", () => {
  for (const c of CASES) {
    it(`${c.name}: batch ${c.batch}, ${c.c}→${c.k} channels, ${c.hw.join("×")}`, async () => {
      const graph = pointwiseGraph(c);
      const dims = [c.batch, c.c, ...c.hw];
      expect(await pointwiseRuns(graph, dims)).toBe(1);
      await expectMatchesOrt(graph, { x: randomTensor(dims, 7, -3, 3) });
    });
  }
});

describe("pointwise path selection", () => {
  const base: Case = { name: "base", batch: 1, c: 64, k: 8, hw: [4, 4] };
  it("leaves output channels not a multiple of 4 to tfjs's kernel", async () => {
    const graph = pointwiseGraph({ ...base, k: 6 });
    expect(await pointwiseRuns(graph, [1, 64, 4, 4])).toBe(0);
    await expectMatchesOrt(graph, { x: randomTensor([1, 64, 4, 4], 7) });
  });

  it("leaves fewer than MIN_INPUT_CHANNELS input channels to tfjs's kernel", async () => {
    const graph = pointwiseGraph({ ...base, c: MIN_INPUT_CHANNELS - 1 });
    expect(await pointwiseRuns(graph, [1, MIN_INPUT_CHANNELS - 1, 4, 4])).toBe(0);
  });

  it("leaves a padded 1×1 conv to tfjs's kernel (its border is bias only)", async () => {
    const graph = pointwiseGraph({ ...base, attrs: { pads: [1, 1, 1, 1] }, bias: true });
    expect(await pointwiseRuns(graph, [1, 64, 4, 4])).toBe(0);
    await expectMatchesOrt(graph, { x: randomTensor([1, 64, 4, 4], 7) });
  });

  it("is not used while a gradient is recorded", async () => {
    const compiled = await compile(pointwiseGraph({ ...base, bias: true }), { backend: "wasm" });
    const x = tf.tensor(randomTensor([1, 64, 4, 4], 5).data, [1, 64, 4, 4]);
    try {
      const w = compiled.variables.get("w")!;
      const before = pointwise.runs;
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(compiled.forward({ x }).y!)) as tf.Scalar, [w]);
      expect(pointwise.runs).toBe(before);
      expect(tf.max(tf.abs(grads[w.name]!)).dataSync()[0]).toBeGreaterThan(0);
      tf.dispose([value, grads[w.name]!]);
    } finally {
      x.dispose();
      compiled.dispose();
    }
  });
});
