// Dropout: identity at inference, seeded masks while training (same seed, same
// mask), inverted scaling so the expected value is unchanged.
import { describe, expect, it } from "vitest";
import { GraphBuilder } from "../../../graph/builder.js";
import { float32 } from "../../../graph/tensor.js";
import { tf } from "../tf.js";
import { compile } from "../compile.js";

async function dropoutGraph(ratio: number) {
  const b = new GraphBuilder({ name: "dropout", opset: 13 });
  const x = b.input("x", "float32", [64, 64]);
  const [y, mask] = b.node("Dropout", [x, b.initializer("ratio", float32([], [ratio]))], {}, { outputs: ["y", "mask"] });
  b.output(y!);
  b.output(mask!);
  return compile(b.build(), { backend: "wasm" });
}

describe("Dropout", () => {
  it("is the identity with an all-true mask when not training", async () => {
    const compiled = await dropoutGraph(0.5);
    try {
      const x = float32([64, 64], Array.from({ length: 4096 }, (_, i) => i / 100));
      const out = await compiled.run({ x });
      expect(Array.from(out.y!.data as Float32Array)).toEqual(Array.from(x.data));
      expect(Array.from(out.mask!.data as Uint8Array).every((m) => m === 1)).toBe(true);
    } finally {
      compiled.dispose();
    }
  });

  it("drops about `ratio` of the values while training, scales the rest by 1/(1-ratio), and repeats with the seed", async () => {
    const compiled = await dropoutGraph(0.25);
    try {
      const run = (seed: number) =>
        tf.tidy(() => {
          const out = compiled.forward({ x: tf.ones([64, 64]) }, { training: true, seed });
          return [out.y!.dataSync(), out.mask!.dataSync()] as const;
        });
      const [y1, mask1] = run(7);
      const [y2] = run(7);
      const [y3] = run(8);
      const dropped = Array.from(mask1).filter((m) => m === 0).length / mask1.length;
      expect(dropped).toBeGreaterThan(0.2);
      expect(dropped).toBeLessThan(0.3);
      expect(Array.from(y1).every((v, i) => (mask1[i] ? Math.abs(v - 1 / 0.75) < 1e-6 : v === 0))).toBe(true);
      expect(Array.from(y2)).toEqual(Array.from(y1));
      expect(Array.from(y3)).not.toEqual(Array.from(y1));
    } finally {
      compiled.dispose();
    }
  });
});
