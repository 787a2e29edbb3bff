// The webgpu backend on this machine's adapter (a GPU, or mesa's lavapipe in
// CI): it starts by name and says whether it is on a GPU; forward ops and
// their gradients match tfjs's cpu backend; the kernels compactor replaces
// (cast-to-float.ts, pad-any-rank.ts) are right where tfjs's own are wrong; a
// shader that fails to compile makes the next read throw instead of returning
// stale memory; tfjs's nested requiredFeatures reach Dawn flat.
import { afterAll, beforeAll, expect, it } from "vitest";
import { tf } from "../tf.js";
import { initBackend, type BackendInfo } from "../backends.js";
import { BackendError } from "../../../core/errors.js";
import { seededRandom } from "../../../core/random.js";
import { lastDeviceRequest } from "./device-request.js";
import { replacedKernel } from "./kernel-fixes.js";
import { takeDeviceErrors } from "./device-errors.js";
import { WEBGPU, webgpuSuite } from "../../../../test/helpers/webgpu-adapter.js";

function random(n: number, seed: number): Float32Array {
  const next = seededRandom(seed);
  return Float32Array.from({ length: n }, () => next() * 2 - 1);
}

/** Each case builds its tensors from fixed arrays, so it runs the same on any backend. */
const CASES: Readonly<Record<string, () => tf.Tensor>> = {
  matMul: () => tf.matMul(tf.tensor2d(random(37 * 53, 1), [37, 53]), tf.tensor2d(random(53 * 29, 2), [53, 29])),
  "matMul transposed": () => tf.matMul(tf.tensor2d(random(53 * 37, 3), [53, 37]), tf.tensor2d(random(29 * 53, 4), [29, 53]), true, true),
  conv2d: () => tf.conv2d(tf.tensor4d(random(2 * 13 * 11 * 3, 5), [2, 13, 11, 3]), tf.tensor4d(random(5 * 5 * 3 * 6, 6), [5, 5, 3, 6]), [2, 2], "same"),
  depthwiseConv2d: () => tf.depthwiseConv2d(tf.tensor4d(random(2 * 9 * 9 * 4, 7), [2, 9, 9, 4]), tf.tensor4d(random(3 * 3 * 4, 8), [3, 3, 4, 1]), 1, "valid"),
  maxPool: () => tf.maxPool(tf.tensor4d(random(2 * 10 * 10 * 3, 9), [2, 10, 10, 3]), 2, 2, "valid"),
  "softmax ∘ relu": () => tf.softmax(tf.relu(tf.tensor2d(random(8 * 30, 10), [8, 30]))),
  "mean over axis 1": () => tf.mean(tf.tensor3d(random(4 * 50 * 6, 11), [4, 50, 6]), 1),
  "transpose rank 5": () => tf.transpose(tf.tensor(random(2 * 3 * 4 * 5 * 6, 12), [2, 3, 4, 5, 6]), [4, 2, 0, 3, 1]),
  "gather rows": () => tf.gather(tf.tensor2d(random(20 * 7, 13), [20, 7]), tf.tensor1d([3, 0, 19, 3, 7], "int32")),
  "gradients of a small conv net": () => {
    const x = tf.tensor4d(random(2 * 8 * 8 * 2, 14), [2, 8, 8, 2]);
    const w = tf.tensor4d(random(3 * 3 * 2 * 4, 15), [3, 3, 2, 4]);
    const d = tf.tensor2d(random(4 * 4 * 4 * 3, 16), [64, 3]);
    const loss = (wv: tf.Tensor, dv: tf.Tensor) => tf.sum(tf.square(tf.matMul(tf.reshape(tf.maxPool(tf.relu(tf.conv2d(x, wv as tf.Tensor4D, 1, "same")), 2, 2, "valid"), [2, 64]), dv as tf.Tensor2D)));
    const [gw, gd] = tf.grads(loss)([w, d]);
    return tf.concat([tf.reshape(gw!, [-1]), tf.reshape(gd!, [-1])]);
  },
};

async function on(backend: "cpu" | "webgpu", f: () => tf.Tensor): Promise<{ shape: number[]; values: Float32Array }> {
  await initBackend(backend);
  const t = tf.tidy(f);
  try {
    return { shape: t.shape, values: Float32Array.from((await t.data()) as ArrayLike<number>) };
  } finally {
    t.dispose();
  }
}

/** max |webgpu − cpu| relative to the cpu result's largest magnitude. */
async function relativeDifference(f: () => tf.Tensor): Promise<{ shapes: [number[], number[]]; rel: number }> {
  const want = await on("cpu", f);
  const got = await on("webgpu", f);
  let scale = 0;
  let worst = 0;
  want.values.forEach((v, i) => {
    scale = Math.max(scale, Math.abs(v));
    worst = Math.max(worst, Number.isFinite(got.values[i]!) ? Math.abs(got.values[i]! - v) : Infinity);
  });
  return { shapes: [got.shape, want.shape], rel: worst / Math.max(scale, 1e-30) };
}

/** Runs `f` with tfjs's own webgpu kernel in place of compactor's fix for `kernelName`. */
async function withTfjsKernel<T>(kernelName: string, f: () => Promise<T>): Promise<T> {
  const ours = tf.getKernel(kernelName, "webgpu")!;
  const theirs = replacedKernel(kernelName)!;
  tf.unregisterKernel(kernelName, "webgpu");
  tf.registerKernel({ kernelName, backendName: "webgpu", kernelFunc: theirs });
  try {
    return await f();
  } finally {
    tf.unregisterKernel(kernelName, "webgpu");
    tf.registerKernel(ours);
  }
}

webgpuSuite("the webgpu backend on this machine's adapter", () => {
  let info: BackendInfo;
  beforeAll(async () => {
    info = await initBackend("webgpu");
  });
  afterAll(async () => {
    await initBackend("wasm");
  });

  it("has an adapter (CI installs mesa's lavapipe)", () => {
    expect(WEBGPU.reason).toBeUndefined();
    expect(WEBGPU.adapter).toBeTruthy();
  });

  it("starts by name and says whether it runs on a GPU", () => {
    expect(info).toMatchObject({ backend: "webgpu", tfjsName: "webgpu", gpu: !WEBGPU.software, tried: [{ backend: "webgpu" }] });
    expect(info.adapter).toBe(WEBGPU.software ? `${WEBGPU.adapter} (software)` : WEBGPU.adapter);
  });

  it("hands Dawn tfjs's nested requiredFeatures as a flat list of features the adapter has", () => {
    const request = lastDeviceRequest()!;
    expect(request.requested.every((f) => typeof f === "string" || Array.isArray(f))).toBe(true);
    expect(request.fix.features.every((f) => typeof f === "string")).toBe(true);
    expect(request.fix.unsupported).toEqual([]);
    // tfjs 4.22 nests bgra8unorm-storage whenever the adapter has it (lavapipe and NVIDIA do).
    if (request.requested.some(Array.isArray)) expect(request.fix.flattened).toEqual(["bgra8unorm-storage"]);
  });

  for (const [name, f] of Object.entries(CASES)) {
    it(`${name} matches the cpu backend`, async () => {
      const { shapes, rel } = await relativeDifference(f);
      expect(shapes[0]).toEqual(shapes[1]);
      expect(rel).toBeLessThan(1e-5);
      expect(takeDeviceErrors()).toEqual([]);
    });
  }

  // tfjs's Cast relabels the i32 buffer as float32; Sum transposes it raw and the shader fails.
  // (Over 1,000 elements: smaller tensors on the host run on the CPU, where the bug does not show.)
  const maskedSum = () => tf.sum(tf.cast(tf.greater(tf.tensor3d(random(3 * 400 * 5, 20), [3, 400, 5]), 0), "float32"), 1);
  const intMean = () => tf.mean(tf.cast(tf.add(tf.tensor3d(Int32Array.from({ length: 4 * 400 * 3 }, (_, i) => (i * 7) % 11), [4, 400, 3], "int32"), 1), "float32"), 1);

  it("casts bool and int32 to float32 for real, where tfjs's Cast leaves an i32 buffer", async () => {
    for (const f of [maskedSum, intMean]) expect((await relativeDifference(f)).rel).toBe(0);
    await initBackend("webgpu");
    await withTfjsKernel("Cast", async () => {
      const t = maskedSum();
      await expect(t.data()).rejects.toThrow(BackendError);
      t.dispose();
    });
    expect(takeDeviceErrors()).toEqual([]);
  });

  // tfjs's Slice gradient is a Pad; PadProgram indexes vec5/vec6 structs above rank 4.
  const pad6 = () => tf.pad(tf.tensor(random(3 * 1 * 3 * 1 * 12 * 2, 21), [3, 1, 3, 1, 12, 2]), [[0, 0], [1, 0], [0, 0], [0, 1], [2, 1], [0, 0]], 0.5);
  const pad5Everywhere = () => tf.pad(tf.tensor(random(2 * 3 * 2 * 3 * 2, 22), [2, 3, 2, 3, 2]), [[1, 0], [0, 1], [1, 1], [2, 0], [0, 2]]);

  it("pads rank-5 and rank-6 tensors, which tfjs's PadV2 cannot compile", async () => {
    for (const f of [pad6, pad5Everywhere]) {
      const { shapes, rel } = await relativeDifference(f);
      expect(shapes[0]).toEqual(shapes[1]);
      expect(rel).toBe(0);
    }
    await initBackend("webgpu");
    await withTfjsKernel("PadV2", async () => {
      const t = pad6();
      await expect(t.data()).rejects.toThrow(/WebGPU device reported .*error.*\n.*(vec6|PadProgram)/);
      t.dispose();
    });
    expect(takeDeviceErrors()).toEqual([]);
  });

  it("makes the next read throw when a shader fails to compile", async () => {
    await initBackend("webgpu");
    const backend = tf.backend() as unknown as { runWebGPUProgram(p: object, inputs: tf.TensorInfo[], dtype: string): tf.TensorInfo };
    const x = tf.tensor1d(random(300, 23));
    const broken = {
      variableNames: ["A"],
      outputShape: [300],
      shaderKey: "compactor_test_broken",
      size: true,
      workgroupSize: [64, 1, 1],
      dispatchLayout: { x: [0] },
      dispatch: [5, 1, 1],
      getUserCode: () => "fn main(index : i32) { this is not WGSL }",
    };
    const out = tf.engine().makeTensorFromTensorInfo(backend.runWebGPUProgram(broken, [x], "float32"));
    await expect(out.data()).rejects.toThrow(/WebGPU device reported .*compactor_test_broken|WebGPU device reported/);
    tf.dispose([x, out]);
    // Later reads work again.
    expect(Array.from(await tf.add(tf.scalar(1), tf.scalar(2)).data())).toEqual([3]);
  });
});
