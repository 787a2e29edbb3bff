// Our wasm depthwise-conv gradient kernels must agree with tfjs's cpu backend
// (its reference kernels) across strides, dilations, paddings, channel
// multipliers and batch sizes: first kernel by kernel, then through tf.grads of
// the plain and fused depthwise ops, as training reaches them.
import { describe, it, expect, beforeAll } from "vitest";
import { tf } from "../tf.js";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import { registerTrainingKernels } from "./index.js";

type Pad = "valid" | "same" | [[0, 0], [number, number], [number, number], [0, 0]];

interface Case {
  readonly x: [number, number, number, number];
  readonly kernel: [number, number];
  readonly multiplier: number;
  readonly strides: [number, number];
  readonly dilations: [number, number];
  readonly pad: Pad;
}

const CASES: Case[] = [
  { x: [2, 9, 9, 4], kernel: [3, 3], multiplier: 1, strides: [1, 1], dilations: [1, 1], pad: "same" },
  { x: [2, 9, 9, 4], kernel: [3, 3], multiplier: 1, strides: [2, 2], dilations: [1, 1], pad: "same" },
  { x: [3, 10, 7, 3], kernel: [3, 3], multiplier: 2, strides: [2, 2], dilations: [1, 1], pad: "valid" },
  { x: [1, 8, 11, 5], kernel: [5, 3], multiplier: 3, strides: [1, 2], dilations: [1, 1], pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
  { x: [2, 11, 10, 4], kernel: [3, 3], multiplier: 1, strides: [1, 1], dilations: [2, 3], pad: "same" },
  { x: [2, 12, 12, 2], kernel: [3, 2], multiplier: 2, strides: [1, 1], dilations: [2, 2], pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
  { x: [2, 13, 12, 3], kernel: [3, 3], multiplier: 1, strides: [3, 2], dilations: [1, 1], pad: [[0, 0], [1, 1], [1, 1], [0, 0]] },
  // A pad wider than the kernel: rows of dy that see only padding.
  { x: [1, 6, 6, 2], kernel: [2, 2], multiplier: 1, strides: [2, 2], dilations: [1, 1], pad: [[0, 0], [3, 2], [2, 4], [0, 0]] },
  // Stride and dilation both above 1: tfjs's ops refuse it, the kernels take it.
  { x: [2, 14, 13, 3], kernel: [3, 3], multiplier: 2, strides: [2, 2], dilations: [2, 2], pad: "valid" },
  { x: [4, 7, 7, 6], kernel: [7, 7], multiplier: 1, strides: [1, 1], dilations: [1, 1], pad: "same" },
];

function label(c: Case): string {
  const pad = typeof c.pad === "string" ? c.pad : `[${c.pad.slice(1, 3).map((p) => p.join(",")).join(" ")}]`;
  return `x ${c.x.join("×")}, k ${c.kernel.join("×")}, m ${c.multiplier}, s ${c.strides}, d ${c.dilations}, pad ${pad}`;
}

function values(shape: readonly number[], seed: number): Float32Array {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, next);
}

function outShape(c: Case): number[] {
  const filter = [...c.kernel, c.x[3], c.multiplier] as [number, number, number, number];
  return tf.backend_util.computeConv2DInfo(c.x, filter, c.strides, c.dilations, c.pad, undefined, true).outShape;
}

async function runOn(backend: string, kernel: string, inputs: Record<string, { shape: number[]; data: Float32Array }>, attrs: object) {
  await tf.setBackend(backend);
  registerTrainingKernels(backend);
  const buffers = tf.backend().numDataIds();
  const ins = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.data, v.shape)]));
  const out = tf.engine().runKernel(kernel, ins, attrs as tf.NamedAttrMap) as tf.Tensor;
  const result = { shape: out.shape, data: (await out.data()) as Float32Array };
  tf.dispose([out, ...Object.values(ins)]);
  expect(tf.backend().numDataIds(), `${kernel} on ${backend} frees its intermediates`).toBe(buffers);
  return result;
}

type Values = { shape: number[]; data: Float32Array };

/**
 * tfjs's cpu kernels ignore dilations, so a dilated case is checked against
 * the same conv with the taps spread out by zeros (dilation 1), which is what
 * a dilated conv is. Tap (kh, kw) of the filter sits at (kh·dh, kw·dw).
 */
function spreadFilter(filter: Values, [dh, dw]: [number, number]): Values {
  const [fh, fw, c, m] = filter.shape as [number, number, number, number];
  const [sh, sw] = [(fh - 1) * dh + 1, (fw - 1) * dw + 1];
  const data = new Float32Array(sh * sw * c * m);
  for (let i = 0; i < fh; i++) for (let j = 0; j < fw; j++) {
    data.set(filter.data.subarray((i * fw + j) * c * m, (i * fw + j + 1) * c * m), (i * dh * sw + j * dw) * c * m);
  }
  return { shape: [sh, sw, c, m], data };
}

/** The gradient of the spread filter's real taps (the inverse of spreadFilter). */
function realTaps(spread: Values, [fh, fw]: [number, number], [dh, dw]: [number, number]): Values {
  const [, sw, c, m] = spread.shape as [number, number, number, number];
  const data = new Float32Array(fh * fw * c * m);
  for (let i = 0; i < fh; i++) for (let j = 0; j < fw; j++) {
    data.set(spread.data.subarray((i * dh * sw + j * dw) * c * m, (i * dh * sw + j * dw + 1) * c * m), (i * fw + j) * c * m);
  }
  return { shape: [fh, fw, c, m], data };
}

function expectClose(got: { shape: number[]; data: Float32Array }, want: { shape: number[]; data: Float32Array }, what: string): void {
  expect(got.shape, what).toEqual(want.shape);
  let scale = 0;
  for (const v of want.data) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < want.data.length; i++) worst = Math.max(worst, Math.abs(got.data[i]! - want.data[i]!));
  expect(scale, `${what} is not all zero`).toBeGreaterThan(0);
  expect(worst / scale, `${what}: max |Δ| relative to max |reference|`).toBeLessThan(1e-4);
}

describe("wasm depthwise conv gradient kernels match cpu", () => {
  beforeAll(async () => {
    await tf.ready();
  });

  for (const c of CASES) {
    it(label(c), async () => {
      const filterShape = [...c.kernel, c.x[3], c.multiplier];
      const x = { shape: [...c.x], data: values(c.x, 11) };
      const filter = { shape: filterShape, data: values(filterShape, 23) };
      const dyShape = outShape(c);
      const dy = { shape: dyShape, data: values(dyShape, 37) };
      const common = { strides: c.strides, dilations: c.dilations, pad: c.pad };

      const spread = spreadFilter(filter, c.dilations);
      const reference = { strides: c.strides, dilations: [1, 1], pad: c.pad };

      const dx = await runOn("wasm", "DepthwiseConv2dNativeBackpropInput", { dy, filter }, { ...common, inputShape: c.x });
      const dxRef = await runOn("cpu", "DepthwiseConv2dNativeBackpropInput", { dy, filter: spread }, { ...reference, inputShape: c.x });
      expectClose(dx, dxRef, "dx");

      const dw = await runOn("wasm", "DepthwiseConv2dNativeBackpropFilter", { x, dy }, { ...common, filterShape });
      const dwSpread = await runOn("cpu", "DepthwiseConv2dNativeBackpropFilter", { x, dy }, { ...reference, filterShape: spread.shape });
      expectClose(dw, realTaps(dwSpread, c.kernel, c.dilations), "dW");
    });
  }

  it("give tf.grads of plain and fused depthwise convs the cpu's values, without leaking tensors", async () => {
    const x = values([2, 10, 10, 4], 5);
    const w = values([3, 3, 4, 2], 6);
    const b = values([8], 7);
    const gradsOn = async (backend: string) => {
      await tf.setBackend(backend);
      registerTrainingKernels(backend);
      const [xt, wt, bt] = [tf.tensor4d(x, [2, 10, 10, 4]), tf.tensor4d(w, [3, 3, 4, 2]), tf.tensor1d(b)];
      // The backend's own count of buffers: intermediates our kernels make
      // outside the engine's tracking show up there (tf.memory() misses them).
      const before = tf.memory().numTensors + tf.backend().numDataIds();
      const loss = (xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => {
        const plain = tf.depthwiseConv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, 2, "same");
        const fused = tf.fused.depthwiseConv2d({ x: xi as tf.Tensor4D, filter: wi as tf.Tensor4D, strides: 1, pad: "valid", bias: bi, activation: "relu6" });
        return tf.add(tf.sum(tf.square(plain)), tf.sum(tf.sin(fused)));
      };
      const grads = tf.grads(loss)([xt, wt, bt]);
      const out = await Promise.all(grads.map(async (g) => ({ shape: g.shape, data: (await g.data()) as Float32Array })));
      tf.dispose(grads);
      const leaked = tf.memory().numTensors + tf.backend().numDataIds() - before;
      tf.dispose([xt, wt, bt]);
      return { out, leaked };
    };
    const ref = await gradsOn("cpu");
    const got = await gradsOn("wasm");
    ["dx", "dW", "db"].forEach((name, i) => expectClose(got.out[i]!, ref.out[i]!, name));
    expect(got.leaked, "tensors and backend buffers left after the gradient").toBe(0);
  });
});
