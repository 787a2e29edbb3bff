// evaluate and compare on a model whose answers are known by hand: logits are
// the inputs themselves, so accuracy, loss and the confusion matrix follow
// from the data alone, on both runtimes.
import { describe, expect, it } from "vitest";
import { OptionError, ShapeError } from "../core/errors.js";
import { Dataset } from "../data/dataset.js";
import { GraphBuilder } from "../graph/builder.js";
import { float32 } from "../graph/tensor.js";
import { compare } from "./compare.js";
import { evaluate } from "./evaluate.js";
import { Model } from "./model.js";

/** logits = x (a 3×3 identity Gemm) over 3 classes. */
function identity(name = "identity") {
  const b = new GraphBuilder({ name, opset: 17 });
  const x = b.input("x", "float32", ["N", 3]);
  b.output(b.node("MatMul", [x, b.initializer("eye", float32([3, 3], [1, 0, 0, 0, 1, 0, 0, 0, 1]))])[0]!, "logits");
  return new Model(b.build());
}

// Four samples: predictions 0, 1, 2, 0 against labels 0, 1, 1, 2.
const rows = [
  [5, 0, 0],
  [0, 5, 0],
  [0, 0, 5],
  [1, 0, 0],
];
const labels = [0, 1, 1, 2];
const data = Dataset.fromArrays(float32([4, 3], rows.flat()), Int32Array.from(labels), { numClasses: 3, name: "four" });

function crossEntropy(row: number[], label: number): number {
  const max = Math.max(...row);
  const logSum = Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0)) + max;
  return logSum - row[label]!;
}
const expectedLoss = rows.reduce((s, r, i) => s + crossEntropy(r, labels[i]!), 0) / rows.length;

describe("evaluate", () => {
  for (const runtime of ["ort", "tfjs"] as const) {
    it(`computes accuracy, loss and the confusion matrix on ${runtime}`, async () => {
      const report = await evaluate(identity(), data, { runtime, batchSize: 3 });
      expect(report.accuracy).toBe(0.5);
      expect(report.samples).toBe(4);
      expect(report.loss).toBeCloseTo(expectedLoss, 5);
      expect(report.confusion).toEqual([
        [1, 0, 0],
        [0, 1, 1],
        [1, 0, 0],
      ]);
      expect(report.runtime).toBe(runtime);
    });
  }

  it("says when the model and the data disagree on classes or sample shape", async () => {
    const wide = Dataset.fromArrays(float32([2, 3], [1, 0, 0, 0, 1, 0]), Int32Array.from([0, 3]), { numClasses: 4, name: "wide" });
    await expect(evaluate(identity(), wide)).rejects.toThrow(ShapeError);
    await expect(evaluate(identity(), wide)).rejects.toThrow(/has 3 classes but dataset "wide" has 4/);
    const flat = Dataset.fromArrays(float32([1, 5], [1, 2, 3, 4, 5]), Int32Array.from([0]), { numClasses: 3, name: "five" });
    await expect(evaluate(identity(), flat)).rejects.toThrow(/samples are \[5\] but model input "x" takes \[3\]/);
  });
});

describe("compare", () => {
  it("puts accuracy, size and onnxruntime latency side by side", async () => {
    const comparison = await compare([identity("a"), identity("b")], data, { names: ["first", "second"] });
    expect(comparison.rows.map((r) => r.model)).toEqual(["first", "second"]);
    for (const row of comparison.rows) {
      expect(row.accuracy).toBe(0.5);
      expect(row.params).toBe(9);
      expect(row.latencyMs).toBeGreaterThan(0);
    }
  });

  it("needs at least one model", async () => {
    await expect(compare([], data)).rejects.toThrow(OptionError);
  });
});
