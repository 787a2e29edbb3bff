// The backend chooser against what this machine has: the expectations follow
// the WebGPU adapters found (none, only a software one such as lavapipe, or a
// GPU) and which optional native packages are installed, so the file holds on
// a laptop, in CI on lavapipe and on a GPU machine alike.
import { existsSync } from "node:fs";
import { describe, it, expect } from "vitest";
import { BACKENDS, initBackend } from "./backends.js";
import { tf } from "./tf.js";
import { BackendError, OptionError } from "../../core/errors.js";
import { WEBGPU } from "../../../test/helpers/webgpu-adapter.js";

const installed = (pkg: string) => existsSync(`node_modules/${pkg}`);
const NATIVE_GPU = installed("@tensorflow/tfjs-node-gpu");
const NATIVE = installed("@tensorflow/tfjs-node");
/** A WebGPU adapter that is a GPU. */
const WEBGPU_GPU = WEBGPU.adapter !== undefined && WEBGPU.software === false;
/** Why webgpu may not serve device "gpu" or "auto" here. */
const WEBGPU_REFUSAL = WEBGPU.software ? /only a software adapter: .*\(software\); .*backend "webgpu" runs the WebGPU kernels on it anyway/ : /no adapter|not installed|failed to load/;

describe("initBackend", () => {
  it("starts wasm by default, with SIMD", async () => {
    const info = await initBackend();
    expect(info.backend).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
    expect(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")).toBe(true);
    expect(info.tried).toEqual([{ backend: "wasm" }]);
  });

  it("device gpu starts a GPU backend when there is one, and otherwise fails listing every attempt, never settling for a software adapter", async () => {
    if (NATIVE_GPU || WEBGPU_GPU) {
      const info = await initBackend("auto", { device: "gpu" });
      expect(info.gpu).toBe(true);
      expect(["tfjs-node-gpu", "webgpu"]).toContain(info.backend);
      if (info.backend === "webgpu") expect(info.adapter).toBe(WEBGPU.adapter);
      await initBackend("wasm");
      return;
    }
    const err = await initBackend("auto", { device: "gpu" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BackendError);
    const message = (err as BackendError).message;
    expect(message).toMatch(/tfjs-node-gpu: .*not installed/);
    expect(message).toMatch(new RegExp(`webgpu: .*(${WEBGPU_REFUSAL.source})`));
    expect(message).toMatch(/scripts\/gpu-check\.sh/);
    const tried = (err as BackendError).context.details?.tried as { backend: string; error?: string }[];
    expect(tried.map((t) => t.backend)).toEqual(["tfjs-node-gpu", "webgpu"]);
    expect(tried.every((t) => (t.error ?? "").length > 0)).toBe(true);
    // Naming webgpu does not lower the bar for device "gpu".
    await expect(initBackend("webgpu", { device: "gpu" })).rejects.toThrow(WEBGPU_REFUSAL);
  });

  it("auto reports the backends it skipped, and takes webgpu only on a GPU", async () => {
    const info = await initBackend("auto");
    const expected = NATIVE_GPU ? "tfjs-node-gpu" : NATIVE ? "tfjs-node" : WEBGPU_GPU ? "webgpu" : "wasm";
    expect(info.backend).toBe(expected);
    const order = ["tfjs-node-gpu", "tfjs-node", "webgpu", "wasm"];
    expect(info.tried.map((t) => t.backend)).toEqual(order.slice(0, order.indexOf(expected) + 1));
    expect(info.tried.slice(0, -1).every((t) => t.error)).toBe(true);
    if (expected === "wasm") expect(info.tried[2]!.error).toMatch(WEBGPU_REFUSAL);
    await initBackend("wasm");
  });

  it("cpu works and unknown names are refused", async () => {
    expect((await initBackend("cpu")).backend).toBe("cpu");
    await expect(initBackend("tpu" as never)).rejects.toThrow(/must be one of \[auto, tfjs-node-gpu/);
    await expect(initBackend("wasm", { device: "gpu" })).rejects.toBeInstanceOf(OptionError);
    expect(BACKENDS).toContain("wasm");
    await initBackend("wasm");
  });
});
