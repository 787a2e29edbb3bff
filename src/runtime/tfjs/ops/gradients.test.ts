// Gradients through the data-movement ops (and losses) on the default (wasm) backend: every
// op here must train, so each is compiled inside a graph and its gradient
// checked against central finite differences. The ops are linear in x (or
// smooth), so the two agree closely.
import { describe, expect, it } from "vitest";
import { GraphBuilder, type AttributeInput } from "../../../graph/builder.js";
import { float32, int64 } from "../../../graph/tensor.js";
import type { Tensor } from "../../../graph/types.js";
import { seededRandom } from "../../../core/random.js";
import { tf } from "../tf.js";
import { compile } from "../compile.js";

const X_DIMS = [2, 3, 4, 5];

function random(dims: readonly number[], seed: number): Tensor<"float32"> {
  const next = seededRandom(seed);
  return float32(dims, Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => next() * 2 - 1));
}

interface Case {
  readonly op: string;
  readonly opset?: number;
  readonly attrs?: Record<string, AttributeInput>;
  /** Extra inputs after x: constant initializers (or "" for omitted ones). */
  readonly extra?: readonly (Tensor | "")[];
  readonly label?: string;
}

const CASES: Case[] = [
  { op: "Slice", label: "negative and stride-2 steps", extra: [int64([2], [-1, 0]), int64([2], [-1000, 5]), int64([2], [2, 3]), int64([2], [-2, 2])] },
  { op: "Slice", label: "unit steps", extra: [int64([2], [1, 1]), int64([2], [3, -1]), int64([2], [1, 2])] },
  { op: "Pad", label: "reflect", attrs: { mode: "reflect" }, extra: [int64([8], [0, 0, 2, 3, 0, 1, 3, 2])] },
  { op: "Pad", label: "edge", attrs: { mode: "edge" }, extra: [int64([8], [0, 0, 2, 3, 0, 1, 3, 2])] },
  { op: "Pad", label: "constant with crop", attrs: { mode: "constant" }, extra: [int64([8], [0, 0, 1, -1, 0, 1, 2, -2])] },
  { op: "Resize", label: "linear half_pixel ×2", attrs: { mode: "linear" }, extra: ["", float32([4], [1, 1, 2, 2])] },
  { op: "Resize", label: "cubic align_corners 0.6", attrs: { mode: "cubic", coordinate_transformation_mode: "align_corners" }, extra: ["", float32([4], [1, 1, 0.6, 1.5])] },
  { op: "Resize", label: "nearest asymmetric ×3", attrs: { mode: "nearest", coordinate_transformation_mode: "asymmetric" }, extra: ["", float32([4], [1, 1, 3, 3])] },
  { op: "Gather", label: "negative indices", attrs: { axis: 2 }, extra: [int64([2, 2], [-1, 0, 2, -4])] },
  { op: "Expand", label: "to rank 5", extra: [int64([5], [2, 2, 3, 4, 5])] },
  { op: "Expand", label: "rank 4", extra: [int64([4], [2, 3, 4, 5])] },
  { op: "Tile", extra: [int64([4], [1, 2, 1, 2])] },
  { op: "Transpose", attrs: { perm: [2, 0, 3, 1] } },
  { op: "Split", label: "into three", attrs: { axis: 3 }, extra: [int64([3], [1, 3, 1])] },
  { op: "SoftmaxCrossEntropyLoss", label: "ignore_index, mean", attrs: { ignore_index: 1 }, extra: [int64([2, 4, 5], Array.from({ length: 40 }, (_, i) => (i * 7) % 3))] },
  { op: "NegativeLogLikelihoodLoss", label: "weighted sum", attrs: { reduction: "sum" }, extra: [int64([2, 4, 5], Array.from({ length: 40 }, (_, i) => (i * 5) % 3)), float32([3], [0.2, 1, 3])] },
  { op: "Gelu", opset: 20 },
  { op: "Gelu", opset: 20, label: "tanh", attrs: { approximate: "tanh" } },
];

describe("gradients of data-movement ops on wasm match finite differences", () => {
  for (const c of CASES) {
    it(`${c.op}${c.label ? ` (${c.label})` : ""}`, async () => {
      const b = new GraphBuilder({ name: c.op, opset: c.opset ?? 17 });
      const x = b.initializer("x", random(X_DIMS, 1));
      const extra = (c.extra ?? []).map((t, i) => (t === "" ? "" : b.initializer(`in${i + 1}`, t)));
      const outputs = b.node(c.op, [x, ...extra], c.attrs ?? {}, { outputs: c.op === "Split" ? 3 : 1 });
      outputs.forEach((o, i) => b.output(o, `y${i}`));
      const compiled = await compile(b.build(), { backend: "wasm" });
      try {
        const v = compiled.variables.get("x")!;
        const probe = tf.tidy(() => compiled.forward({})).y0!;
        const weights = outputs.map((_, i) => tf.randomUniform(i === 0 ? probe.shape : [1], -1, 1, "float32", 7 + i));
        const loss = () =>
          tf.tidy(() => {
            const out = compiled.forward({});
            return tf.addN(outputs.map((_, i) => tf.sum(tf.mul(out[`y${i}`]!, weights[i]!)))) as tf.Scalar;
          });
        const { grads } = tf.variableGrads(loss, [v]);
        const analytic = grads[v.name]!.dataSync();
        const values = v.dataSync().slice();
        const eps = 1e-2;
        for (const i of [0, 17, 63, values.length - 1]) {
          const at = (delta: number) => {
            const shifted = values.slice();
            shifted[i] = values[i]! + delta;
            v.assign(tf.tensor(shifted, v.shape));
            return loss().dataSync()[0]!;
          };
          const numeric = (at(eps) - at(-eps)) / (2 * eps);
          v.assign(tf.tensor(values, v.shape));
          expect(Math.abs(analytic[i]! - numeric), `element ${i}: analytic ${analytic[i]}, numeric ${numeric}`).toBeLessThan(2e-3 * Math.max(1, Math.abs(numeric)));
        }
        expect(analytic.some((g) => g !== 0)).toBe(true);
        tf.dispose([probe, ...weights, ...Object.values(grads)]);
      } finally {
        compiled.dispose();
      }
    });
  }
});
