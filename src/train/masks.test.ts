// Masks inside the loop: converted to each variable's layout (Conv weights are
// HWIO there, depthwise [kh, kw, C, m], Gemm transB pre-transposed) and back
// without moving an element, applied after updates, and updated by a schedule.
import { describe, expect, it } from "vitest";
import { tf } from "../runtime/tfjs/tf.js";
import { compile } from "../runtime/tfjs/compile.js";
import { GraphBuilder } from "../graph/builder.js";
import { float32 } from "../graph/tensor.js";
import type { TrainingPruning } from "../model/sparsity.js";
import { maskedTraining } from "./masks.js";

function convGemm() {
  const b = new GraphBuilder({ name: "conv_gemm", opset: 17 });
  const x = b.input("x", "float32", ["N", 2, 4, 4]);
  const w = b.initializer("w", float32([3, 2, 3, 3], Array.from({ length: 54 }, (_, i) => i + 1)));
  const dw = b.initializer("dw", float32([3, 1, 3, 3], Array.from({ length: 27 }, (_, i) => i + 1)));
  let h = b.node("Conv", [x, w], { pads: [1, 1, 1, 1] })[0]!;
  h = b.node("Conv", [h, dw], { pads: [1, 1, 1, 1], group: 3 })[0]!;
  h = b.node("Flatten", [h], { axis: 1 })[0]!;
  const fc = b.initializer("fc", float32([5, 48], Array.from({ length: 240 }, (_, i) => i + 1)));
  b.output(b.node("Gemm", [h, fc], { transB: 1 })[0]!, "y");
  return b.build();
}

/** A pseudo-random 0/1 mask. */
const maskOf = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => ((i * 7 + seed) % 3 === 0 ? 0 : 1));

describe("maskedTraining", () => {
  it("applies ONNX-layout masks to variables in their own layout and exports them unchanged", async () => {
    const graph = convGemm();
    const compiled = await compile(graph, { training: true });
    const masks = new Map([["w", maskOf(54, 1)], ["dw", maskOf(27, 2)], ["fc", maskOf(240, 0)]]);
    const masked = maskedTraining(compiled, { masks }, 10)!;
    masked.apply();
    const exported = await compiled.exportGraph();
    for (const [name, mask] of masks) {
      const values = exported.initializers.get(name)!.data as Float32Array;
      values.forEach((v, i) => expect(v === 0).toBe(mask[i] === 0));
      expect(masked.exportMasks().get(name)).toEqual(mask);
    }
    masked.dispose();
    compiled.dispose();
  });

  it("recomputes masks at the planned steps only and keeps them between", async () => {
    const graph = convGemm();
    const compiled = await compile(graph, { training: true });
    const calls: number[] = [];
    const schedule: TrainingPruning = {
      description: "test",
      targets: ["fc"],
      plan: () => [{ step: 2, sparsity: 0.5 }, { step: 5, sparsity: 0.75 }],
      masks(weights, sparsity) {
        calls.push(sparsity);
        const w = weights.get("fc")!;
        // Prune the first fraction of elements in the layout given.
        return new Map([["fc", Uint8Array.from(w, (_, i) => (i < sparsity * w.length ? 0 : 1))]]);
      },
    };
    const masked = maskedTraining(compiled, { masks: new Map(), schedule }, 10)!;
    for (let step = 0; step < 10; step++) masked.afterStep(step);
    expect(calls).toEqual([0.5, 0.75]);
    expect(masked.updates).toEqual([{ step: 2, sparsity: 0.5 }, { step: 5, sparsity: 0.75 }]);
    const fc = (await compiled.exportGraph()).initializers.get("fc")!.data as Float32Array;
    expect(fc.filter((v) => v === 0).length).toBe(180);
    masked.dispose();
    compiled.dispose();
  });

  it("is nothing without masks or a schedule, and names masks for missing weights", async () => {
    const compiled = await compile(convGemm(), { training: true });
    expect(maskedTraining(compiled, { masks: new Map() }, 10)).toBeUndefined();
    expect(maskedTraining(compiled, undefined, 10)).toBeUndefined();
    expect(() => maskedTraining(compiled, { masks: new Map([["nope", new Uint8Array(3)]]) }, 10)).toThrow(/masks name weights the model does not have: "nope"/);
    compiled.dispose();
  });

  it("frees its mask tensors", async () => {
    const compiled = await compile(convGemm(), { training: true });
    const before = tf.memory().numTensors;
    const masked = maskedTraining(compiled, { masks: new Map([["w", maskOf(54, 1)], ["fc", maskOf(240, 0)]]) }, 10)!;
    for (let step = 0; step < 3; step++) masked.afterStep(step);
    masked.exportMasks();
    masked.dispose();
    expect(tf.memory().numTensors).toBe(before);
    compiled.dispose();
  });
});
