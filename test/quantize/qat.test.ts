// quantize.qat and training quantized graphs (issue 12 item 5): the fake-quant
// form computes exactly what the QDQ graph does and folds back onto the same
// grids; QAT on MNIST trains the integers of a static int8 LeNet-5 and the
// result still fuses into onnxruntime's integer kernels; distill trains a
// quantized student; bad options and quantized inputs are refused.
import { beforeAll, describe, expect, it } from "vitest";
import { datasets, type Dataset } from "../../src/data/index.js";
import { GraphError, OptionError } from "../../src/core/errors.js";
import type { Graph } from "../../src/graph/types.js";
import { validateGraph } from "../../src/graph/validate.js";
import { Model } from "../../src/model/model.js";
import { models } from "../../src/models/index.js";
import { ortOptimizedOpTypes } from "../../src/runtime/ort.js";
import { randomInputs } from "../../src/runtime/random-inputs.js";
import { compile } from "../../src/runtime/tfjs/compile.js";
import { train } from "../../src/train/steps.js";
import { fromFakeQuant, toFakeQuant } from "../../src/train/fake-quant.js";
import { distill } from "../../src/compress/distill/step.js";
import { qat } from "../../src/compress/quantize/qat.js";
import { staticQuantize } from "../../src/compress/quantize/static.js";

const quiet = { display: false, batchSize: 64 } as const;
let mnist: { train: Dataset; test: Dataset };
let teacher: Model;

/** Integer weight initializers (int8) by name. */
function int8Weights(graph: Graph): Map<string, Int8Array> {
  return new Map([...graph.initializers].filter(([, t]) => t.dtype === "int8" && t.data.length > 1).map(([n, t]) => [n, t.data as Int8Array]));
}

function changedCodes(a: Graph, b: Graph): number {
  const before = int8Weights(a);
  let changed = 0;
  for (const [name, after] of int8Weights(b)) {
    const old = before.get(name)!;
    for (let i = 0; i < after.length; i++) if (after[i] !== old[i]) changed++;
  }
  return changed;
}

beforeAll(async () => {
  mnist = await datasets.mnist();
  teacher = await models.lenet5({ seed: 1 }).apply(train({ data: mnist.train.take(2048), epochs: 2, seed: 1, ...quiet }));
}, 300_000);

describe("fake quantization", () => {
  it("the trainable form computes exactly what the QDQ graph computes and folds back to the same integers", async () => {
    const graph = models.lenet5({ seed: 2 }).graph;
    const quantized = (await new Model(graph).apply(staticQuantize({ calibration: randomInputs(graph, { seed: 3, batch: 32 }), latencyAware: false, latency: false }))).graph;
    const form = toFakeQuant(quantized);
    expect(form.weights.length).toBe(5);
    expect(form.biases.length).toBe(5);
    expect(form.graph.nodes.filter((n) => n.opType === "QuantizeLinear").length).toBe(quantized.nodes.filter((n) => n.opType === "QuantizeLinear").length + 5);
    const feeds = randomInputs(graph, { seed: 4, batch: 8 });
    const run = async (g: Graph) => {
      const c = await compile(g, { backend: "wasm" });
      try {
        return (await c.run(feeds))[g.outputs[0]!.name]!.data as Float32Array;
      } finally {
        c.dispose();
      }
    };
    expect(Array.from(await run(form.graph))).toEqual(Array.from(await run(quantized)));
    const back = fromFakeQuant(form.graph, form);
    validateGraph(back);
    expect(back.nodes.map((n) => n.opType).sort()).toEqual(quantized.nodes.map((n) => n.opType).sort());
    for (const [name, t] of quantized.initializers) expect(Array.from(back.initializers.get(name)!.data as ArrayLike<number>), name).toEqual(Array.from(t.data as ArrayLike<number>));
  });
});

describe("quantize.qat", () => {
  it("trains the int8 LeNet-5's integers on MNIST; the result is still all integer kernels in onnxruntime", async () => {
    const step = qat({ data: mnist.train.take(2048), validation: mnist.test.take(1000), epochs: 1, samples: 256, seed: 2, ...quiet });
    const out = await teacher.apply(step);
    validateGraph(out.graph);
    const m = out.history[out.history.length - 1]!.metrics;
    expect(m.accuracyBefore as number).toBeGreaterThan(0.7);
    // QAT keeps what calibration reached (within noise) and never falls below it by more than a point.
    expect(m.accuracyAfter as number).toBeGreaterThan((m.accuracyPtq as number) - 0.01);
    expect(m.sizeRatio as number).toBeLessThan(0.3);
    const ops = await ortOptimizedOpTypes(out.graph);
    expect(ops.filter((op) => op === "com.microsoft.QLinearConv")).toHaveLength(2);
    expect(ops.filter((op) => op === "Conv" || op === "Gemm")).toEqual([]);
    const ptq = await teacher.apply(staticQuantize({ calibration: mnist.train.take(2048), samples: 256, latencyAware: false, latency: false }));
    expect(changedCodes(ptq.graph, out.graph)).toBeGreaterThan(100);
    expect(out.recipe[out.recipe.length - 1]).toMatchObject({ step: "quantize.qat", bits: 8, epochs: 1, samples: 256 });
  }, 600_000);

  it("distill trains a statically quantized student; it stays int8 QDQ", async () => {
    const student = await models.lenet5({ seed: 5 }).apply(
      train({ data: mnist.train.take(1024), epochs: 1, seed: 5, ...quiet }),
      staticQuantize({ calibration: mnist.train.take(256), latencyAware: false, latency: false }),
    );
    const before = await student.evaluate(mnist.test.take(1000));
    const out = await student.apply(distill({ teacher, data: mnist.train.take(2048), epochs: 1, seed: 6, ...quiet }));
    expect(int8Weights(out.graph).size).toBe(int8Weights(student.graph).size);
    expect(changedCodes(student.graph, out.graph)).toBeGreaterThan(100);
    const after = await out.evaluate(mnist.test.take(1000));
    expect(after.accuracy).toBeGreaterThan(before.accuracy);
  }, 600_000);

  it("refuses bits other than 8, unknown options and an already quantized model, naming what it expected", async () => {
    expect(() => qat({ data: "mnist:train", bits: 4 as 8 })).toThrow(OptionError);
    expect(() => qat({ data: "mnist:train", bits: 4 as 8 })).toThrow(/bits must be 8.*got 4/);
    expect(() => qat({ data: "mnist:train", epoch: 2 } as never)).toThrow(OptionError);
    const quantized = await models.lenet5({ seed: 7 }).apply(staticQuantize({ calibration: mnist.train.take(64), latencyAware: false, latency: false }));
    await expect(quantized.apply(qat({ data: mnist.train.take(64), epochs: 1, ...quiet }))).rejects.toThrow(GraphError);
  }, 120_000);
});
