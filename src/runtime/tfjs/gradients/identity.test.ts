// Identity on wasm shares its input's data (identity.ts): a clone is the same
// memory, outlives the original's disposal with its values, frees the memory
// when the last one goes, and strings still clone.
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../backends.js";
import { heapKernels } from "../kernels/module.js";
import { tf } from "../tf.js";

describe("Identity on wasm", () => {
  beforeAll(async () => {
    await initBackend("wasm");
  });

  it("shares the input's memory, keeps it while either tensor lives, frees it after both", async () => {
    await tf.setBackend("wasm");
    const bytes = tf.memory().numBytes;
    const x = tf.tensor([1.5, -2, 3, 4], [2, 2]);
    const y = tf.clone(x);
    expect(heapKernels().offsetOf(y)).toBe(heapKernels().offsetOf(x));
    x.dispose();
    // Allocations after the original's disposal must not land on the shared memory.
    const other = tf.fill([2, 2], 9);
    expect(Array.from(y.dataSync())).toEqual([1.5, -2, 3, 4]);
    tf.dispose([y, other]);
    expect(tf.memory().numBytes).toBe(bytes);
  });

  it("still clones strings", async () => {
    await tf.setBackend("wasm");
    const s = tf.tensor(["a", "bc"]);
    const c = tf.clone(s);
    s.dispose();
    expect(c.dataSync()).toEqual(["a", "bc"]);
    c.dispose();
  });
});
