import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { tf } from "./tf.js";
import { initBackend } from "./backends.js";
import { resetEngineAfterAbort } from "./engine-recovery.js";
import { heapKernels, liveScratchBlocks, withScratch } from "./kernels/module.js";

describe("resetEngineAfterAbort", () => {
  it("closes scopes a terminated tf.tidy left open and frees their tensors", async () => {
    await initBackend("cpu");
    const before = tf.memory().numTensors;
    // What an abort in the middle of tf.tidy leaves behind: a started scope, never ended.
    tf.engine().startScope();
    tf.engine().startScope();
    tf.add(tf.ones([4]), 1);
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    expect(resetEngineAfterAbort()).toEqual({ scopes: 2, scratchBlocks: 0 });
    expect(tf.memory().numTensors).toBe(before);
    // The engine works normally afterwards, and an idle engine is left alone.
    expect(Array.from(tf.tidy(() => tf.mul(tf.ones([2]), 3)).dataSync())).toEqual([3, 3]);
    expect(resetEngineAfterAbort()).toEqual({ scopes: 0, scratchBlocks: 0 });
  });
});

describe("resetEngineAfterAbort on the wasm backend", () => {
  it("frees the scratch of one of our kernels terminated mid-call (V8 termination skips its finally)", async () => {
    await initBackend("wasm");
    const k = heapKernels();
    // vm's timeout stops the script with V8's TerminateExecution, as the kernel's
    // interrupts do: the `finally` in withScratch never runs.
    (globalThis as { __midKernel?: () => void }).__midKernel = () =>
      withScratch(k, [1 << 16, 1 << 10], () => {
        for (;;);
      });
    expect(() => vm.runInThisContext("globalThis.__midKernel()", { timeout: 200 })).toThrow(/timed out/);
    delete (globalThis as { __midKernel?: () => void }).__midKernel;
    expect(liveScratchBlocks()).toBe(2);
    expect(resetEngineAfterAbort()).toEqual({ scopes: 0, scratchBlocks: 2 });
    expect(liveScratchBlocks()).toBe(0);
    // The freed blocks are reused: the same allocation lands where the abandoned one was.
    const offsets = withScratch(k, [1 << 16], (o) => o);
    expect(withScratch(k, [1 << 16], (o) => o)).toEqual(offsets);
    expect(resetEngineAfterAbort()).toEqual({ scopes: 0, scratchBlocks: 0 });
  });
});
