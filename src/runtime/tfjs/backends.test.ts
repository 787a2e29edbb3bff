import { describe, it, expect } from "vitest";
import { BACKENDS, initBackend } from "./backends.js";
import { tf } from "./tf.js";
import { BackendError, OptionError } from "../../core/errors.js";

describe("initBackend", () => {
  it("starts wasm by default, with SIMD", async () => {
    const info = await initBackend();
    expect(info.backend).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
    expect(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")).toBe(true);
    expect(info.tried).toEqual([{ backend: "wasm" }]);
  });

  it("device gpu fails listing every GPU backend tried and why", async () => {
    const err = await initBackend("auto", { device: "gpu" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BackendError);
    const message = (err as BackendError).message;
    expect(message).toMatch(/tfjs-node-gpu: .*not installed/);
    // webgpu is an optional dependency: either it is absent, or it loads and finds no adapter here.
    expect(message).toMatch(/webgpu: .*(webgpu|no GPU adapter)/);
    const tried = (err as BackendError).context.details?.tried as { backend: string; error?: string }[];
    expect(tried.map((t) => t.backend)).toEqual(["tfjs-node-gpu", "webgpu"]);
    expect(tried.every((t) => (t.error ?? "").length > 0)).toBe(true);
  });

  it("auto reports the native backends it skipped and lands on wasm", async () => {
    const info = await initBackend("auto");
    expect(info.backend).toBe("wasm");
    expect(info.tried.map((t) => t.backend)).toEqual(["tfjs-node-gpu", "tfjs-node", "webgpu", "wasm"]);
    expect(info.tried.slice(0, 3).every((t) => t.error)).toBe(true);
  });

  it("cpu works and unknown names are refused", async () => {
    expect((await initBackend("cpu")).backend).toBe("cpu");
    await expect(initBackend("tpu" as never)).rejects.toThrow(/must be one of \[auto, tfjs-node-gpu/);
    await expect(initBackend("wasm", { device: "gpu" })).rejects.toBeInstanceOf(OptionError);
    expect(BACKENDS).toContain("wasm");
    await initBackend("wasm");
  });
});
