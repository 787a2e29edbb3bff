// Ops the sweep's probe of extra PyTorch layers found missing (nn.CELU,
// nn.Softsign, torch.sign/round/isnan/isinf, torch.logsumexp and friends),
// checked against onnxruntime after a Conv so they also see channels-last data.
import { beforeAll, describe, expect, it } from "vitest";
import { expectMatchesOrt } from "../../../../test/helpers/expect-matches-ort.js";
import { GraphBuilder } from "../../../graph/builder.js";
import { float32 } from "../../../graph/tensor.js";
import type { Tensor } from "../../../graph/types.js";
import { seededRandom } from "../../../core/random.js";
import { initBackend } from "../backends.js";

function random(dims: number[], seed: number, scale = 1): Tensor<"float32"> {
  const next = seededRandom(seed);
  return float32(dims, Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => (next() * 2 - 1) * scale));
}

/** x → Conv(3→4, 3×3) → op(…) → y, so the op's input arrives channels-last. */
function afterConv(name: string, op: string, attributes: Record<string, number | number[]> = {}, opset = 13) {
  const b = new GraphBuilder({ name, opset });
  const x = b.input("x", "float32", ["N", 3, 6, 6]);
  const [c] = b.node("Conv", [x, b.initializer("w", random([4, 3, 3, 3], 1, 2))], { pads: [1, 1, 1, 1] });
  b.output(b.node(op, [c!], attributes)[0]!, "y");
  return b.build();
}

beforeAll(async () => {
  await initBackend("wasm");
});

describe("extra PyTorch ops on channels-last activations", () => {
  const cases: [string, Record<string, number | number[]>][] = [
    ["Celu", { alpha: 0.7 }],
    ["Softsign", {}],
    ["Sign", {}],
    ["Round", {}],
    ["ReduceLogSumExp", { axes: [1], keepdims: 0 }],
    ["ReduceL1", { axes: [2, 3], keepdims: 1 }],
    ["ReduceSumSquare", { axes: [1], keepdims: 1 }],
  ];
  for (const [op, attributes] of cases) {
    it(`${op} matches onnxruntime at batch 1 and 2`, async () => {
      const graph = afterConv(op.toLowerCase(), op, attributes);
      for (const batch of [1, 2]) await expectMatchesOrt(graph, { x: random([batch, 3, 6, 6], 10 + batch) });
    });
  }

  it("ReduceLogSum of positive values matches onnxruntime", async () => {
    const b = new GraphBuilder({ name: "reduce_log_sum", opset: 13 });
    const x = b.input("x", "float32", ["N", 5]);
    const [e] = b.node("Exp", [x]);
    b.output(b.node("ReduceLogSum", [e!], { axes: [1] })[0]!, "y");
    await expectMatchesOrt(b.build(), { x: random([3, 5], 4) });
  });

  it("IsNaN and IsInf (each infinity alone) flag the right elements", async () => {
    const b = new GraphBuilder({ name: "float_class", opset: 13 });
    const x = b.input("x", "float32", [6]);
    b.output(b.node("IsNaN", [x])[0]!, "nan");
    b.output(b.node("IsInf", [x])[0]!, "inf");
    b.output(b.node("IsInf", [x], { detect_negative: 0 })[0]!, "pos");
    b.output(b.node("IsInf", [x], { detect_positive: 0 })[0]!, "neg");
    const values = float32([6], [NaN, Infinity, -Infinity, 0, -2.5, 3]);
    const { tfjs } = await expectMatchesOrt(b.build(), { x: values });
    expect(Array.from(tfjs.nan!.data as ArrayLike<number>, Number)).toEqual([1, 0, 0, 0, 0, 0]);
    expect(Array.from(tfjs.pos!.data as ArrayLike<number>, Number)).toEqual([0, 1, 0, 0, 0, 0]);
    expect(Array.from(tfjs.neg!.data as ArrayLike<number>, Number)).toEqual([0, 0, 1, 0, 0, 0]);
  });
});
