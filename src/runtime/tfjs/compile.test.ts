// The compiler end to end: layout pass, dynamic batch, error listing,
// gradients (finite differences), training-mode BatchNorm, export round trip
// and tensor leaks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectMatchesOrt } from "../../../test/helpers/expect-matches-ort.js";
import { runOrt } from "../ort.js";
import { GraphBuilder } from "../../graph/builder.js";
import { float32, int64 } from "../../graph/tensor.js";
import type { Graph } from "../../graph/types.js";
import { GraphError, UnsupportedOpError } from "../../core/errors.js";
import { compile } from "./compile.js";
import { initBackend } from "./backends.js";
import { randomTensor } from "../../../test/helpers/tfjs-graphs.js";
import { tf } from "./tf.js";
import { TRANSPOSE_KERNEL_NAME } from "./kernels/transpose.js";

const r = (dims: number[], seed: number, lo = -0.5, hi = 0.5) => randomTensor(dims, seed, lo, hi);

function batchNorm(b: GraphBuilder, x: string, c: number, name: string, seed: number): string {
  const s = b.initializer(`${name}.scale`, r([c], seed, 0.5, 1.5));
  const bias = b.initializer(`${name}.bias`, r([c], seed + 1));
  const mean = b.initializer(`${name}.mean`, r([c], seed + 2));
  const v = b.initializer(`${name}.var`, r([c], seed + 3, 0.5, 2));
  return b.node("BatchNormalization", [x, s, bias, mean, v], { epsilon: 1e-5 }, { name })[0]!;
}

/** Residual CNN: Conv-BN-Relu, a second conv added back, a concat along channels, pool, then a Shape→Gather→Concat→Reshape chain, Flatten and Gemm. */
function residualNet(): Graph {
  const b = new GraphBuilder({ name: "residual", opset: 13 });
  const x = b.input("x", "float32", ["N", 3, 8, 8]);
  const w1 = b.initializer("conv1.w", r([8, 3, 3, 3], 1));
  const a = b.node("Relu", [batchNorm(b, b.node("Conv", [x, w1], { pads: [1, 1, 1, 1] })[0]!, 8, "bn1", 10)])[0]!;
  const w2 = b.initializer("conv2.w", r([8, 8, 3, 3], 2));
  const c2 = batchNorm(b, b.node("Conv", [a, w2], { pads: [1, 1, 1, 1] })[0]!, 8, "bn2", 20);
  const res = b.node("Relu", [b.node("Add", [a, c2])[0]!])[0]!;
  const w3 = b.initializer("conv3.w", r([4, 8, 1, 1], 3));
  const c3 = b.node("Conv", [res, w3, b.initializer("conv3.b", r([4], 4))])[0]!;
  const cat = b.node("Concat", [res, c3], { axis: 1 })[0]!;
  const scaled = b.node("Mul", [cat, b.initializer("gain", r([12, 1, 1], 5, 0.5, 1.5))])[0]!;
  const pooled = b.node("MaxPool", [scaled], { kernel_shape: [2, 2], strides: [2, 2] })[0]!;
  // Reshape to (N, 12, 16) with N read from the tensor: the batch stays dynamic.
  const n = b.node("Gather", [b.node("Shape", [pooled])[0]!, b.initializer("zero", int64([], [0]))], { axis: 0 })[0]!;
  const n1 = b.node("Unsqueeze", [n, b.initializer("axis0", int64([1], [0]))])[0]!;
  const shape = b.node("Concat", [n1, b.initializer("rest", int64([2], [12, 16]))], { axis: 0 })[0]!;
  const seq = b.node("Softmax", [b.node("Reshape", [pooled, shape])[0]!], { axis: -1 })[0]!;
  const flat = b.node("Flatten", [seq], { axis: 1 })[0]!;
  const y = b.node("Gemm", [flat, b.initializer("fc.w", r([10, 192], 6)), b.initializer("fc.b", r([10], 7))], { transB: 1 })[0]!;
  b.output(y, "y");
  return b.build();
}

/** Conv → BN → Relu → Gemm, small enough for finite differences. */
function convBnReluGemm(): Graph {
  const b = new GraphBuilder({ name: "cbrg", opset: 13 });
  const x = b.input("x", "float32", ["N", 2, 5, 5]);
  const conv = b.node("Conv", [x, b.initializer("conv.w", r([3, 2, 3, 3], 11)), b.initializer("conv.b", r([3], 12))], { strides: [2, 2] })[0]!;
  const act = b.node("Relu", [batchNorm(b, conv, 3, "bn", 13)])[0]!;
  const flat = b.node("Flatten", [act], { axis: 1 })[0]!;
  const y = b.node("Gemm", [flat, b.initializer("fc.w", r([4, 12], 14)), b.initializer("fc.b", r([4], 15))], { transB: 1 })[0]!;
  b.output(y, "y");
  return b.build();
}

beforeAll(async () => {
  await initBackend("wasm");
});

describe("layout pass", () => {
  it("a residual conv net with Concat, Flatten and Reshape matches onnxruntime", async () => {
    await expectMatchesOrt(residualNet(), { x: randomTensor([2, 3, 8, 8], 100) });
  });

  it("runs a Conv-BN-Relu-Conv-Add chain with no transposes but the two at its ends, weights converted once", async () => {
    const b = new GraphBuilder({ name: "chain", opset: 13 });
    const x = b.input("x", "float32", [1, 4, 6, 6]);
    const a = b.node("Relu", [batchNorm(b, b.node("Conv", [x, b.initializer("w1", r([4, 4, 3, 3], 1))], { pads: [1, 1, 1, 1] })[0]!, 4, "bn", 2)])[0]!;
    const s = b.node("Add", [a, b.node("Conv", [a, b.initializer("w2", r([4, 4, 1, 1], 3))])[0]!])[0]!;
    const g = b.node("Flatten", [b.node("GlobalAveragePool", [s])[0]!])[0]!;
    b.output(b.node("Gemm", [g, b.initializer("fc", r([3, 4], 4))], { transB: 1 })[0]!, "y");
    const graph = b.build();
    const compiled = await compile(graph);
    const feed = tf.tensor(randomTensor([1, 4, 6, 6], 9).data, [1, 4, 6, 6]);
    const profile = await tf.profile(() => tf.tidy(() => compiled.forward({ x: feed }).y!));
    const kernels = profile.kernels.map((k) => k.name);
    // x → NHWC, and the pooled (1,1,1,C) back to ONNX layout for Flatten (on wasm inference, our kernel: kernels/transpose.ts).
    expect(kernels.filter((k) => k === "Transpose" || k === TRANSPOSE_KERNEL_NAME)).toHaveLength(2);
    expect(compiled.variables.get("w1")!.shape).toEqual([3, 3, 4, 4]);
    expect(compiled.variables.get("fc")!.shape).toEqual([4, 3]);
    feed.dispose();
    compiled.dispose();
    await expectMatchesOrt(graph, { x: randomTensor([1, 4, 6, 6], 9) });
  });
});

describe("dynamic batch", () => {
  it("one compiled graph runs batch 1 and 3, matching onnxruntime", async () => {
    const graph = residualNet();
    const compiled = await compile(graph);
    try {
      for (const n of [1, 3]) {
        const x = randomTensor([n, 3, 8, 8], 200 + n);
        const [ours, ref] = [await compiled.run({ x }), await runOrt(graph, { x })];
        expect(ours.y!.dims).toEqual([n, 10]);
        const scale = Math.max(...Array.from(ref.y!.data as Float32Array, Math.abs));
        const err = Math.max(...Array.from(ours.y!.data as Float32Array, (v, i) => Math.abs(v - (ref.y!.data as Float32Array)[i]!)));
        expect(err / scale).toBeLessThan(1e-4);
      }
    } finally {
      compiled.dispose();
    }
  });
});

describe("constant folding", () => {
  it("folds a Shape→Gather→Concat chain when the shape is static, so no shape kernels run per call", async () => {
    const b = new GraphBuilder({ name: "static", opset: 13 });
    const x = b.input("x", "float32", [2, 3, 4, 4]);
    const n = b.node("Gather", [b.node("Shape", [x])[0]!, b.initializer("zero", int64([], [0]))], { axis: 0 })[0]!;
    const shape = b.node("Concat", [b.node("Unsqueeze", [n, b.initializer("ax", int64([1], [0]))])[0]!, b.initializer("rest", int64([1], [-1]))], { axis: 0 })[0]!;
    b.output(b.node("Reshape", [x, shape])[0]!, "y");
    const graph = b.build();
    const compiled = await compile(graph);
    const feed = tf.tensor(randomTensor([2, 3, 4, 4], 1).data, [2, 3, 4, 4]);
    const profile = await tf.profile(() => tf.tidy(() => compiled.forward({ x: feed }).y!));
    expect(profile.kernels.map((k) => k.name).filter((k) => k !== "Reshape")).toEqual([]);
    feed.dispose();
    compiled.dispose();
    await expectMatchesOrt(graph, { x: randomTensor([2, 3, 4, 4], 1) });
  });
});

describe("pass-through outputs", () => {
  it("returns copies of initializers, constants and inputs that are graph outputs, so disposing results is safe", async () => {
    const b = new GraphBuilder({ name: "through", opset: 13 });
    const x = b.input("x", "float32", [2]);
    b.output(x);
    b.output(b.initializer("w", float32([2], [1, 2])));
    b.output(b.constant(float32([1], [7])), "c");
    const compiled = await compile(b.build());
    for (let i = 0; i < 2; i++) {
      const out = await compiled.run({ x: float32([2], [3, 4]) });
      expect(Array.from(out.x!.data as Float32Array)).toEqual([3, 4]);
      expect(Object.values(out).map((t) => Array.from(t.data as Float32Array))).toEqual([[3, 4], [1, 2], [7]]);
    }
    compiled.dispose();
  });
});

describe("errors before anything runs", () => {
  it("lists every unsupported op with its nodes and opset", async () => {
    const b = new GraphBuilder({ name: "odd", opset: 15 });
    const x = b.input("x", "float32", [2]);
    const a = b.node("FancyOp", [x], {}, { name: "fancy1" })[0]!;
    const c = b.node("FancyOp", [a], {}, { name: "fancy2" })[0]!;
    b.output(b.node("Relu", [b.node("OtherOp", [c], {}, { name: "other" })[0]!])[0]!);
    const graph: Graph = { ...b.build() };
    const err = await compile(graph).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedOpError);
    const u = (err as UnsupportedOpError).unsupported;
    expect(u).toEqual([
      { op: "FancyOp", domain: "", opset: 15, nodes: ["fancy1", "fancy2"] },
      { op: "OtherOp", domain: "", opset: 15, nodes: ["other"] },
    ]);
    expect((err as Error).message).toMatch(/FancyOp \(opset 15\) at nodes "fancy1", "fancy2"/);
  });

  it("an op newer than the model's opset is unsupported at that opset", async () => {
    const b = new GraphBuilder({ name: "old", opset: 13 });
    b.output(b.node("HardSwish", [b.input("x", "float32", [2])], {}, { name: "hs" })[0]!);
    await expect(compile(b.build())).rejects.toThrow(/HardSwish \(opset 13\) at node "hs"/);
  });

  it("names every missing required and unknown attribute with its node", async () => {
    const b = new GraphBuilder({ name: "attrs", opset: 13 });
    const x = b.input("x", "float32", [1, 1, 4, 4]);
    const p = b.node("MaxPool", [x], { kernel_shape: [2, 2] }, { name: "pool" })[0]!;
    b.output(b.node("Relu", [p], {}, { name: "act" })[0]!);
    const built = b.build();
    // Break the built graph (the builder's shape inference would refuse it).
    const nodes = built.nodes.map((n) =>
      n.name === "pool" ? { ...n, attributes: {} } : n.name === "act" ? { ...n, attributes: { weird: { type: "int" as const, value: 1 } } } : n,
    );
    const graph: Graph = { ...built, nodes };
    const err = await compile(graph).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect((err as Error).message).toMatch(/node "pool" \(MaxPool\): required attribute "kernel_shape"/);
    expect((err as Error).message).toMatch(/node "act" \(Relu\): attribute "weird" is not implemented/);
  });
});

/** loss = Σ y·k for a fixed k; differentiable, non-trivial in every output. */
function lossOf(compiled: Awaited<ReturnType<typeof compile>>, x: tf.Tensor, k: tf.Tensor, training: boolean): tf.Scalar {
  return tf.sum(tf.mul(compiled.forward({ x }, { training }).y!, k));
}

describe.each(["cpu", "wasm"] as const)("gradients on %s", (backend) => {
  let compiled: Awaited<ReturnType<typeof compile>>;
  let x: tf.Tensor;
  let k: tf.Tensor;
  beforeAll(async () => {
    compiled = await compile(convBnReluGemm(), { backend });
    x = tf.tensor(randomTensor([3, 2, 5, 5], 300).data, [3, 2, 5, 5]);
    k = tf.tensor(randomTensor([3, 4], 301).data, [3, 4]);
  });
  afterAll(async () => {
    compiled.dispose();
    x.dispose();
    k.dispose();
    await initBackend("wasm");
  });

  for (const training of [false, true]) {
    it(`match finite differences through Conv+BN+Relu+Gemm (training ${training})`, () => {
      const { value, grads } = tf.variableGrads(() => lossOf(compiled, x, k, training));
      value.dispose();
      expect(Object.keys(grads).length).toBeGreaterThan(0);
      const byName = new Map([...compiled.variables].map(([name, v]) => [v.name, name]));
      const checked: string[] = [];
      for (const [varName, g] of Object.entries(grads)) {
        const name = byName.get(varName)!;
        const v = compiled.variables.get(name)!;
        const analytic = g.dataSync();
        const original = v.dataSync().slice();
        // Small steps: BatchNorm with batch statistics puts some pre-Relu values near the kink.
        const eps = 1e-3;
        for (const i of [0, Math.floor(original.length / 2), original.length - 1]) {
          const at = (delta: number) => {
            const p = original.slice();
            p[i]! += delta;
            v.assign(tf.tensor(p, v.shape));
            return tf.tidy(() => lossOf(compiled, x, k, training).dataSync()[0]!);
          };
          const [plus, minus] = [at(eps), at(-eps)];
          const numeric = (plus - minus) / (2 * eps);
          v.assign(tf.tensor(original, v.shape));
          expect(Math.abs(numeric - analytic[i]!), `${name}[${i}]: numeric ${numeric} (${plus} - ${minus}), analytic ${analytic[i]}`).toBeLessThan(2e-3 + 2e-2 * Math.abs(numeric));
        }
        checked.push(name);
      }
      compiled.takeStateUpdates().forEach((t) => t.dispose());
      tf.dispose(grads);
      // Running statistics are state: never trainable, so never in the gradients.
      expect(checked.sort()).toEqual(["bn.bias", "bn.scale", "conv.b", "conv.w", "fc.b", "fc.w"]);
      expect(compiled.variables.get("bn.mean")!.trainable).toBe(false);
    });
  }
});

describe("training state", () => {
  it("records BatchNorm running averages and leaks no tensors over 3 steps", async () => {
    const compiled = await compile(convBnReluGemm());
    const x = tf.tensor(randomTensor([4, 2, 5, 5], 400).data, [4, 2, 5, 5]);
    const k = tf.tensor(randomTensor([4, 4], 401).data, [4, 4]);
    const before = tf.memory().numTensors;
    const meanBefore = compiled.variables.get("bn.mean")!.dataSync().slice();
    for (let step = 0; step < 3; step++) {
      const { value, grads } = tf.variableGrads(() => lossOf(compiled, x, k, true));
      for (const [name, g] of Object.entries(grads)) {
        const v = [...compiled.variables.values()].find((u) => u.name === name)!;
        tf.tidy(() => v.assign(tf.sub(v, tf.mul(g, 0.01))));
      }
      const updates = compiled.takeStateUpdates();
      expect([...updates.keys()].sort()).toEqual(["bn.mean", "bn.var"]);
      for (const [name, t] of updates) compiled.variables.get(name)!.assign(t);
      tf.dispose([value, ...Object.values(grads), ...updates.values()]);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(compiled.variables.get("bn.mean")!.dataSync()).not.toEqual(meanBefore);
    x.dispose();
    k.dispose();
    compiled.dispose();
  });

  it("exportGraph writes weights back in ONNX layout and dtype", async () => {
    const graph = residualNet();
    const compiled = await compile(graph);
    const exported = await compiled.exportGraph();
    for (const [name, t] of graph.initializers) {
      const e = exported.initializers.get(name)!;
      expect(e.dtype, name).toBe(t.dtype);
      expect(e.dims, name).toEqual(t.dims);
      expect(e.data, name).toEqual(t.data);
    }
    const fc = compiled.variables.get("fc.w")!;
    fc.assign(tf.mul(fc, 2) as tf.Tensor);
    const doubled = (await compiled.exportGraph()).initializers.get("fc.w")!.data as Float32Array;
    expect(doubled[1]).toBeCloseTo((graph.initializers.get("fc.w")!.data as Float32Array)[1]! * 2, 5);
    compiled.dispose();
  });

  it("Dropout-free forward with a seed is deterministic and outputs can name intermediates", async () => {
    const graph = convBnReluGemm();
    const compiled = await compile(graph);
    const x = randomTensor([2, 2, 5, 5], 500);
    const out = await compiled.run({ x }, { outputs: ["y", graph.nodes[0]!.outputs[0]!] });
    expect(out[graph.nodes[0]!.outputs[0]!]!.dims).toEqual([2, 3, 2, 2]);
    const ref = await runOrt(graph, { x }, { outputs: [graph.nodes[0]!.outputs[0]!] });
    const a = out[graph.nodes[0]!.outputs[0]!]!.data as Float32Array;
    const bRef = ref[graph.nodes[0]!.outputs[0]!]!.data as Float32Array;
    expect(Math.max(...Array.from(a, (v, i) => Math.abs(v - bRef[i]!)))).toBeLessThan(1e-4);
    await expect(compiled.run({ x, extra: x })).rejects.toThrow(/unknown input: "extra"/);
    await expect(compiled.run({})).rejects.toThrow(/missing input: "x"/);
    const bad = compiled.run({ x: randomTensor([2, 3, 5, 5], 1), extra: x });
    await expect(bad).rejects.toThrow(/2 problems[\s\S]*unknown input: "extra"[\s\S]*input "x": dim 1 expected float32 \[N, 2, 5, 5\], got float32 \[2, 3, 5, 5\]/);
    compiled.dispose();
  });
});
