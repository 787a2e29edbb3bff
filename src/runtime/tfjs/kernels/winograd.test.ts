// The Winograd 3×3 convolution (winograd.c through winograd.ts): it must give
// onnxruntime's values for every geometry it accepts, take exactly the convs
// it is meant for (checked by its run counter, so a silent fallback fails),
// leave training to tfjs's differentiable kernels, and see new weights when a
// variable is assigned (its transformed-filter cache is keyed by data id).
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectMatchesOrt } from "../../../../test/helpers/expect-matches-ort.js";
import { type ConvCase, convGraph } from "../../../../test/helpers/conv-graph.js";
import { randomTensor } from "../../../../test/helpers/tfjs-graphs.js";
import type { Graph } from "../../../graph/types.js";
import { compareOutputs } from "../../compare.js";
import { initBackend } from "../backends.js";
import { compile } from "../compile.js";
import { tf } from "../tf.js";
import { heapKernels, KernelMemoryError } from "./module.js";
import { winograd } from "./winograd.js";

beforeAll(async () => {
  await initBackend("wasm");
});

afterEach(() => {
  winograd.enabled = true;
});

async function winogradRuns(graph: Graph, dims: number[]): Promise<number> {
  const compiled = await compile(graph, { backend: "wasm" });
  try {
    const before = winograd.runs;
    await compiled.run({ x: randomTensor(dims, 5) });
    return winograd.runs - before;
  } finally {
    compiled.dispose();
  }
}

const CASES: ConvCase[] = [
  { name: "same pads, bias", batch: 2, c: 8, k: 12, hw: [9, 11], attrs: { pads: [1, 1, 1, 1] }, bias: true },
  { name: "no pads, output smaller than a tile", batch: 1, c: 4, k: 4, hw: [5, 5] },
  { name: "asymmetric pads", batch: 3, c: 4, k: 8, hw: [7, 6], attrs: { pads: [0, 2, 1, 0] }, bias: true },
  { name: "pads wider than the kernel", batch: 1, c: 4, k: 4, hw: [3, 4], attrs: { pads: [3, 1, 2, 3] } },
  { name: "auto_pad SAME_LOWER", batch: 2, c: 12, k: 4, hw: [6, 10], attrs: { auto_pad: "SAME_LOWER" } },
  { name: "fused Relu", batch: 2, c: 16, k: 20, hw: [13, 13], attrs: { pads: [1, 1, 1, 1] }, bias: true, then: "Relu" },
  { name: "fused Clip(0, 6)", batch: 1, c: 8, k: 8, hw: [8, 8], attrs: { pads: [1, 1, 1, 1] }, bias: true, then: "Clip6" },
  { name: "many tiles (several blocks of 48)", batch: 2, c: 32, k: 24, hw: [40, 36], attrs: { pads: [1, 1, 1, 1] }, bias: true },
];

describe("Winograd 3×3 convolution matches onnxruntime", () => {
  for (const c of CASES) {
    it(`${c.name}: batch ${c.batch}, ${c.c}→${c.k} channels, ${c.hw.join("×")}`, async () => {
      const graph = convGraph(c);
      const dims = [c.batch, c.c, ...c.hw];
      expect(await winogradRuns(graph, dims)).toBe(1);
      // Inputs in [-3, 3] so Clip(0, 6) and Relu clip on both sides.
      await expectMatchesOrt(graph, { x: randomTensor(dims, 7, -3, 3) });
    });
  }
});

describe("Winograd path selection", () => {
  const base: ConvCase = { name: "base", batch: 1, c: 8, k: 8, hw: [8, 8], attrs: { pads: [1, 1, 1, 1] } };
  const refused: [string, ConvCase][] = [
    ["stride 2", { ...base, attrs: { pads: [1, 1, 1, 1], strides: [2, 2] } }],
    ["dilation 2", { ...base, attrs: { pads: [2, 2, 2, 2], dilations: [2, 2] } }],
    ["input channels not a multiple of 4", { ...base, c: 3 }],
    ["output channels not a multiple of 4", { ...base, k: 6 }],
    ["two groups", { ...base, group: 2 }],
    ["a 5×5 kernel", { ...base, kernel: [5, 5], attrs: { pads: [2, 2, 2, 2] } }],
  ];
  for (const [why, c] of refused) {
    it(`leaves ${why} to tfjs's kernel, with onnxruntime's values`, async () => {
      const graph = convGraph(c);
      const dims = [c.batch, c.c, ...c.hw];
      expect(await winogradRuns(graph, dims)).toBe(0);
      await expectMatchesOrt(graph, { x: randomTensor(dims, 7) });
    });
  }

  it("is not used while a gradient is recorded, and training gets tfjs's gradient", async () => {
    const graph = convGraph({ ...base, bias: true, then: "Relu" });
    const compiled = await compile(graph, { backend: "wasm" });
    const x = tf.tensor(randomTensor([1, 8, 8, 8], 5).data, [1, 8, 8, 8]);
    try {
      const w = compiled.variables.get("w")!;
      const loss = () => tf.sum(tf.square(compiled.forward({ x }).y!)) as tf.Scalar;
      const before = winograd.runs;
      const { value, grads } = tf.variableGrads(loss, [w]);
      expect(winograd.runs).toBe(before);
      expect(tf.max(tf.abs(grads[w.name]!)).dataSync()[0]).toBeGreaterThan(0);
      // The same loss outside the tape comes from the Winograd kernel.
      const inference = tf.tidy(() => loss().dataSync()[0]!);
      expect(winograd.runs).toBe(before + 1);
      expect(Math.abs(inference - value.dataSync()[0]!)).toBeLessThan(1e-4 * Math.abs(inference));
      tf.dispose([value, grads[w.name]!]);
    } finally {
      x.dispose();
      compiled.dispose();
    }
  });

  it("sees a variable's new value (the transformed filter is cached per data id)", async () => {
    const graph = convGraph({ ...base, bias: true });
    const compiled = await compile(graph, { backend: "wasm" });
    const x = tf.tensor(randomTensor([1, 8, 8, 8], 5).data, [1, 8, 8, 8]);
    try {
      const w = compiled.variables.get("w")!;
      const run = () => tf.tidy(() => compiled.forward({ x }).y!.dataSync().slice());
      const first = run();
      w.assign(tf.mul(w, 2));
      const second = run();
      winograd.enabled = false;
      const reference = run();
      expect(first).not.toEqual(second);
      const scale = Math.max(...reference.map(Math.abs));
      expect(Math.max(...second.map((v, i) => Math.abs(v - reference[i]!)))).toBeLessThan(1e-5 * scale);
    } finally {
      x.dispose();
      compiled.dispose();
    }
  });

  it("leaks no tensors", async () => {
    const compiled = await compile(convGraph({ ...base, bias: true }), { backend: "wasm" });
    const x = tf.tensor(randomTensor([1, 8, 8, 8], 5).data, [1, 8, 8, 8]);
    const once = () => tf.tidy(() => void compiled.forward({ x }));
    once();
    const before = winograd.runs;
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) once();
    expect(winograd.runs).toBe(before + 3);
    expect(tf.memory().numTensors).toBe(tensors);
    x.dispose();
    compiled.dispose();
  });

  it("falls back to tfjs's kernel when its memory does not fit in the wasm heap", async () => {
    const graph = convGraph({ ...base, bias: true });
    const compiled = await compile(graph, { backend: "wasm" });
    const kernels = heapKernels();
    const malloc = kernels.malloc;
    // Simulated: the heap refuses the transformed filter / scratch (no model here is large enough).
    kernels.malloc = (bytes: number) => {
      throw new KernelMemoryError(bytes);
    };
    try {
      const before = winograd.runs;
      const x = randomTensor([1, 8, 8, 8], 5);
      const out = await compiled.run({ x });
      expect(winograd.runs).toBe(before);
      kernels.malloc = malloc;
      const reference = await compiled.run({ x });
      expect(winograd.runs).toBe(before + 1);
      expect(compareOutputs(out, reference).every((d) => d.mismatch === undefined && d.maxRel < 1e-5)).toBe(true);
    } finally {
      kernels.malloc = malloc;
      compiled.dispose();
    }
  });
});
