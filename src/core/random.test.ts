import { describe, expect, it } from "vitest";
import { Random } from "./random.js";

describe("Random", () => {
  it("gives the same sequence for a seed, on every machine (pinned values)", () => {
    const r = new Random(1);
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32()]).toEqual([711699459, 1679400207, 1692264768]);
    const a = new Random(42);
    const b = new Random(42);
    expect(Array.from({ length: 100 }, () => a.next())).toEqual(Array.from({ length: 100 }, () => b.next()));
  });

  it("gives unrelated sequences for nearby seeds", () => {
    const first = (seed: number) => Array.from({ length: 8 }, ((r) => () => r.int(1000))(new Random(seed)));
    expect(first(1)).not.toEqual(first(2));
    expect(first(0)).not.toEqual(first(-1));
  });

  it("draws uniform integers (chi-square over 10 buckets)", () => {
    const r = new Random(7);
    const counts = new Array<number>(10).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) counts[r.int(10)]++;
    const chi2 = counts.reduce((s, c) => s + (c - n / 10) ** 2 / (n / 10), 0);
    expect(chi2).toBeLessThan(27.9); // p = 0.001 for 9 degrees of freedom
  });

  it("next() stays in [0, 1) and normal() has mean 0, variance 1", () => {
    const r = new Random(3);
    let sum = 0;
    let sq = 0;
    let outside = 0;
    for (let i = 0; i < 50_000; i++) {
      const u = r.next();
      if (!(u >= 0 && u < 1)) outside++;
      const z = r.normal();
      sum += z;
      sq += z * z;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / 50_000)).toBeLessThan(0.03);
    expect(Math.abs(sq / 50_000 - 1)).toBeLessThan(0.03);
  });

  it("permutation() is a permutation, and shuffles differ by seed", () => {
    const p = new Random(5).permutation(1000);
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(p).not.toEqual(new Random(6).permutation(1000));
    expect(p).toEqual(new Random(5).permutation(1000));
  });

  it("rejects bad arguments", () => {
    expect(() => new Random(Number.NaN)).toThrow(/finite/);
    expect(() => new Random(1).int(0)).toThrow(/integer n/);
  });
});
