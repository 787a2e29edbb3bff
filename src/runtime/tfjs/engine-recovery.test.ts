import { describe, expect, it } from "vitest";
import { tf } from "./tf.js";
import { initBackend } from "./backends.js";
import { resetEngineAfterAbort } from "./engine-recovery.js";

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
