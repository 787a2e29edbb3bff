// Our im2col conv (conv2d.c) and its gradients, through the differentiable
// op ops/conv.ts calls, against tfjs's cpu backend (explicit pad, conv, bias,
// activation as separate reference ops; cpu accumulates in float64): value
// and the gradients of x, w and b, on odd shapes — one input channel,
// channel counts that are no multiple of 4 or 8, kernels 1 to 7, strides 1 to
// 3, uneven pads, pads wider than the input, more pixels than one block.
// Then tfjs's own conv gradient kernels, which ours replace on wasm.
import { describe, expect, it } from "vitest";
import { expectClose, seeded, valueAndGrads, type Values } from "../../../../test/helpers/backend-grads.js";
import { tf } from "../tf.js";
import { compactorConv2d, ownConv2d, winogradConv } from "./conv2d.js";
import { directConv } from "./conv2d-direct.js";
import type { ConvActivation } from "./module.js";

interface Case {
  readonly x: [number, number, number, number];
  /** [KH, KW, K]. */
  readonly filter: [number, number, number];
  readonly strides: [number, number];
  /** [top, bottom, left, right]. */
  readonly pads: [number, number, number, number];
  readonly bias: boolean;
  readonly activation: ConvActivation;
}

const CASES: Case[] = [
  { x: [2, 9, 9, 1], filter: [5, 5, 6], strides: [1, 1], pads: [2, 2, 2, 2], bias: true, activation: "relu" },
  { x: [3, 14, 14, 6], filter: [5, 5, 16], strides: [1, 1], pads: [0, 0, 0, 0], bias: true, activation: "relu" },
  { x: [2, 8, 7, 3], filter: [3, 3, 5], strides: [2, 2], pads: [1, 0, 1, 1], bias: true, activation: "relu6" },
  { x: [1, 11, 10, 5], filter: [7, 7, 9], strides: [2, 2], pads: [3, 3, 3, 3], bias: false, activation: "linear" },
  { x: [2, 6, 6, 16], filter: [1, 1, 12], strides: [1, 1], pads: [0, 0, 0, 0], bias: true, activation: "linear" },
  { x: [1, 9, 9, 8], filter: [1, 1, 8], strides: [2, 2], pads: [0, 0, 0, 0], bias: true, activation: "relu" },
  { x: [2, 5, 5, 4], filter: [3, 3, 3], strides: [1, 1], pads: [2, 2, 2, 2], bias: false, activation: "relu" },
  { x: [1, 13, 13, 7], filter: [3, 3, 20], strides: [3, 3], pads: [1, 1, 1, 1], bias: true, activation: "relu" },
  { x: [4, 20, 20, 3], filter: [3, 3, 8], strides: [1, 1], pads: [1, 1, 1, 1], bias: true, activation: "relu6" },
  { x: [1, 3, 3, 2], filter: [5, 5, 4], strides: [1, 1], pads: [2, 2, 2, 2], bias: true, activation: "linear" },
  { x: [3, 7, 12, 2], filter: [3, 5, 1], strides: [1, 2], pads: [0, 2, 1, 0], bias: true, activation: "relu" },
];

/**
 * Stride-1 convs with 1 to 3 input channels, which take the direct kernels
 * (conv2d-direct.c): output channels that leave a partial block of 6 (1, 7,
 * 13) or of 2 (5), output rows shorter than one 8-pixel block and with a
 * partial last one, tall and wide windows, uneven and oversized pads.
 */
const DIRECT_CASES: Case[] = [
  { x: [2, 28, 28, 1], filter: [5, 5, 6], strides: [1, 1], pads: [2, 2, 2, 2], bias: true, activation: "relu" },
  { x: [3, 9, 17, 1], filter: [3, 3, 7], strides: [1, 1], pads: [1, 1, 1, 1], bias: true, activation: "relu6" },
  { x: [2, 6, 3, 2], filter: [5, 5, 13], strides: [1, 1], pads: [3, 1, 2, 4], bias: false, activation: "linear" },
  { x: [1, 12, 11, 3], filter: [7, 7, 5], strides: [1, 1], pads: [3, 3, 3, 3], bias: true, activation: "relu" },
  { x: [2, 10, 9, 3], filter: [1, 3, 1], strides: [1, 1], pads: [0, 0, 1, 1], bias: true, activation: "linear" },
  { x: [1, 4, 20, 2], filter: [4, 2, 16], strides: [1, 1], pads: [0, 0, 0, 0], bias: true, activation: "relu" },
  { x: [2, 1, 1, 1], filter: [3, 3, 2], strides: [1, 1], pads: [1, 1, 1, 1], bias: false, activation: "relu" },
];

function label(c: Case): string {
  return `x ${c.x.join("×")}, ${c.filter[0]}×${c.filter[1]}→${c.filter[2]}, stride ${c.strides.join(",")}, pads ${c.pads.join(",")}, ${c.bias ? "bias" : "no bias"}, ${c.activation}`;
}

function inputs(c: Case): Record<string, Values> {
  const [kh, kw, k] = c.filter;
  // Wide enough that relu6's upper bound is crossed as well as zero.
  const scale = 6 / Math.sqrt(kh * kw * c.x[3]);
  return {
    x: seeded(c.x, 1, -2, 2),
    w: seeded([kh, kw, c.x[3], k], 2, -scale, scale),
    ...(c.bias ? { b: seeded([k], 3, -1, 1) } : {}),
  };
}

function reference(c: Case) {
  return ({ x, w, b }: Record<string, tf.Tensor>) => {
    const [t, bottom, l, r] = c.pads;
    let y: tf.Tensor = tf.conv2d(tf.pad(x!, [[0, 0], [t, bottom], [l, r], [0, 0]]) as tf.Tensor4D, w as tf.Tensor4D, c.strides, "valid");
    if (b) y = tf.add(y, b);
    return c.activation === "relu" ? tf.relu(y) : c.activation === "relu6" ? tf.relu6(y) : y;
  };
}

function ours(c: Case) {
  return ({ x, w, b }: Record<string, tf.Tensor>) => {
    const y = compactorConv2d(x as tf.Tensor4D, w as tf.Tensor4D, b, c.strides, c.pads, c.activation);
    expect(y, "our kernel applies").toBeDefined();
    return y!;
  };
}

describe("our im2col conv and its gradients (wasm) against tfjs's cpu backend", () => {
  for (const c of CASES) {
    it(label(c), async () => {
      const want = await valueAndGrads("cpu", inputs(c), reference(c));
      const runs = ownConv2d.runs;
      const got = await valueAndGrads("wasm", inputs(c), ours(c));
      expect(ownConv2d.runs).toBeGreaterThan(runs);
      expectClose(got, want, 2e-6);
    });
  }

  for (const c of DIRECT_CASES) {
    it(`direct kernel: ${label(c)}`, async () => {
      const want = await valueAndGrads("cpu", inputs(c), reference(c));
      const [forward, filter] = [directConv.forwardRuns, directConv.filterRuns];
      const got = await valueAndGrads("wasm", inputs(c), ours(c));
      expect(directConv.forwardRuns, "the direct forward ran").toBeGreaterThan(forward);
      expect(directConv.filterRuns, "the direct filter gradient ran").toBeGreaterThan(filter);
      expectClose(got, want, 2e-6);
    });
  }

  it("the direct kernels and im2col agree, and im2col takes the same convs when the direct ones are off", async () => {
    const c = DIRECT_CASES[1]!;
    const direct = await valueAndGrads("wasm", inputs(c), ours(c));
    directConv.enabled = false;
    try {
      const forward = directConv.forwardRuns;
      const im2col = await valueAndGrads("wasm", inputs(c), ours(c));
      expect(directConv.forwardRuns).toBe(forward);
      expectClose(im2col, direct, 2e-6);
    } finally {
      directConv.enabled = true;
    }
  });

  it("leaves tensors around its output untouched (it writes into tfjs's heap)", async () => {
    await tf.setBackend("wasm");
    const c = CASES[8]!;
    const before = tf.tensor(seeded([4096], 7).data);
    const expected = Float32Array.from(before.dataSync());
    const v = inputs(c);
    const [x, w, b] = [v.x!, v.w!, v.b!].map((t) => tf.tensor(t.data, t.shape));
    for (let i = 0; i < 5; i++) tf.dispose(tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(ours(c)({ x: xx, w: ww, b: b! })))([x!, w!]));
    const after = tf.tensor(seeded([4096], 8).data);
    expect(Float32Array.from(before.dataSync())).toEqual(expected);
    tf.dispose([before, after, x!, w!, b!]);
  });

  it("steps aside on the cpu backend and for int32 inputs", async () => {
    await tf.setBackend("cpu");
    const x = tf.zeros([1, 4, 4, 2]) as tf.Tensor4D;
    const w = tf.zeros([3, 3, 2, 4]) as tf.Tensor4D;
    expect(compactorConv2d(x, w, undefined, [1, 1], [1, 1, 1, 1], "relu")).toBeUndefined();
    await tf.setBackend("wasm");
    const xi = tf.zeros([1, 4, 4, 2], "int32") as tf.Tensor4D;
    const wi = tf.zeros([3, 3, 2, 4]) as tf.Tensor4D;
    expect(compactorConv2d(xi, wi, undefined, [1, 1], [1, 1, 1, 1], "relu")).toBeUndefined();
    tf.dispose([xi, wi]);
    await tf.setBackend("cpu");
    tf.dispose([x, w]);
  });
});

/**
 * 3×3 stride-1 convs over channel counts in multiples of 4, whose forward and
 * gradients take Winograd (winograd.c): same, asymmetric and no pads,
 * pad 2 (the input gradient's pads become 0), outputs smaller than a 4×4 tile
 * and with partial tiles, more tiles than one block of 48, and pads over 2,
 * where the input gradient takes im2col.
 */
const WINOGRAD_CASES: (Case & { readonly inputGradient: boolean })[] = [
  { x: [2, 9, 11, 4], filter: [3, 3, 8], strides: [1, 1], pads: [1, 1, 1, 1], bias: true, activation: "relu", inputGradient: true },
  { x: [3, 7, 6, 8], filter: [3, 3, 4], strides: [1, 1], pads: [0, 2, 1, 0], bias: true, activation: "relu6", inputGradient: true },
  { x: [1, 5, 5, 4], filter: [3, 3, 4], strides: [1, 1], pads: [0, 0, 0, 0], bias: false, activation: "linear", inputGradient: true },
  { x: [2, 13, 13, 12], filter: [3, 3, 16], strides: [1, 1], pads: [2, 2, 2, 2], bias: true, activation: "relu", inputGradient: true },
  { x: [4, 20, 20, 16], filter: [3, 3, 32], strides: [1, 1], pads: [1, 1, 1, 1], bias: true, activation: "relu", inputGradient: true },
  { x: [1, 4, 5, 4], filter: [3, 3, 8], strides: [1, 1], pads: [3, 1, 2, 3], bias: true, activation: "linear", inputGradient: false },
];

describe("our conv's Winograd route (3×3, stride 1) and its gradients against tfjs's cpu backend", () => {
  for (const c of WINOGRAD_CASES) {
    it(label(c), async () => {
      const want = await valueAndGrads("cpu", inputs(c), reference(c));
      const [forward, inputGradient, filterGradient] = [winogradConv.forwardRuns, winogradConv.inputGradientRuns, winogradConv.filterGradientRuns];
      const got = await valueAndGrads("wasm", inputs(c), ours(c));
      expect(winogradConv.forwardRuns, "the Winograd forward ran").toBeGreaterThan(forward);
      expect(winogradConv.filterGradientRuns, "the Winograd filter gradient ran").toBeGreaterThan(filterGradient);
      expect(winogradConv.inputGradientRuns > inputGradient, "the Winograd input gradient ran").toBe(c.inputGradient);
      // F(4×4, 3×3)'s transforms (coefficients up to 8 and 1/24) lose a few
      // bits more than a direct sum: measured 2.3e-6 and 4.0e-6 on the two
      // widest cases here, where im2col stays under 2e-6.
      expectClose(got, want, 1e-5);
    });
  }
});

describe("tfjs's conv gradient kernels, replaced by ours on wasm, against the cpu backend", () => {
  const transposeCases: { x: [number, number, number, number]; filter: [number, number, number, number]; strides: [number, number]; pad: "same" | "valid" }[] = [
    { x: [2, 5, 6, 3], filter: [3, 3, 4, 3], strides: [2, 2], pad: "same" },
    { x: [1, 4, 4, 8], filter: [4, 4, 5, 8], strides: [2, 2], pad: "valid" },
    { x: [3, 7, 5, 2], filter: [5, 3, 6, 2], strides: [1, 1], pad: "same" },
  ];
  for (const c of transposeCases) {
    it(`conv2dTranspose (Conv2DBackpropInput) x ${c.x.join("×")}, filter ${c.filter.join("×")}, stride ${c.strides}, ${c.pad}, with gradients`, async () => {
      const [n, h, w] = c.x;
      const out: [number, number, number, number] = [n, c.pad === "same" ? h * c.strides[0] : (h - 1) * c.strides[0] + c.filter[0], c.pad === "same" ? w * c.strides[1] : (w - 1) * c.strides[1] + c.filter[1], c.filter[2]];
      const f = ({ x, k }: Record<string, tf.Tensor>) => tf.conv2dTranspose(x as tf.Tensor4D, k as tf.Tensor4D, out, c.strides, c.pad);
      const values = { x: seeded(c.x, 4), k: seeded(c.filter, 5) };
      expectClose(await valueAndGrads("wasm", values, f), await valueAndGrads("cpu", values, f), 2e-6);
    });
  }

  it("grouped conv (tf.conv2d per group: Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter)", async () => {
    const f = ({ x, k }: Record<string, tf.Tensor>) => {
      const xs = tf.split(x!, 2, 3);
      const ks = tf.split(k!, 2, 3);
      return tf.concat(xs.map((xi, i) => tf.conv2d(xi as tf.Tensor4D, ks[i] as tf.Tensor4D, [2, 1], "same")), 3);
    };
    const values = { x: seeded([2, 9, 8, 6], 6), k: seeded([3, 3, 3, 10], 7) };
    expectClose(await valueAndGrads("wasm", values, f), await valueAndGrads("cpu", values, f), 2e-6);
  });
});
