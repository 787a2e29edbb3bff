// Unstructured ranking: exact counts per layer and globally, ties broken by
// element order, and entries pruned before staying pruned.
import { describe, expect, it } from "vitest";
import { applyMask, magnitudeMasks } from "./magnitude-masks.js";

const zeros = (m: Uint8Array) => m.reduce((n, v) => n + (v === 0 ? 1 : 0), 0);

describe("magnitudeMasks", () => {
  it("prunes the smallest |w| of each weight in layer scope", () => {
    const weights = new Map([
      ["a", Float32Array.from([0.1, -5, 0.3, -0.2])],
      ["b", Float32Array.from([10, 20, 30, 40, 50, 60, 70, 80])],
    ]);
    const masks = magnitudeMasks(weights, 0.5, "layer");
    expect([...masks.get("a")!]).toEqual([0, 1, 1, 0]);
    expect([...masks.get("b")!]).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
  });

  it("uses one threshold over all weights in global scope", () => {
    const weights = new Map([
      ["small", Float32Array.from([0.1, 0.2, 0.3, 0.4])],
      ["large", Float32Array.from([10, 20, 30, 40])],
    ]);
    const masks = magnitudeMasks(weights, 0.5, "global");
    expect([...masks.get("small")!]).toEqual([0, 0, 0, 0]);
    expect([...masks.get("large")!]).toEqual([1, 1, 1, 1]);
  });

  it("breaks ties at the threshold by element order and hits the count exactly", () => {
    const masks = magnitudeMasks(new Map([["w", Float32Array.from([1, 1, 1, 1, 1])]]), 0.4, "layer");
    expect([...masks.get("w")!]).toEqual([0, 0, 1, 1, 1]);
    const global = magnitudeMasks(new Map([["a", Float32Array.from([2, 2])], ["b", Float32Array.from([2, 2])]]), 0.75, "global");
    expect([...global.get("a")!, ...global.get("b")!]).toEqual([0, 0, 0, 1]);
  });

  it("keeps what an earlier mask pruned, even at a lower sparsity", () => {
    const w = Float32Array.from([9, 8, 7, 6]);
    const previous = new Map([["w", Uint8Array.from([0, 0, 1, 1])]]);
    expect([...magnitudeMasks(new Map([["w", w]]), 0.25, "layer", previous).get("w")!]).toEqual([0, 0, 1, 1]);
    expect([...magnitudeMasks(new Map([["w", w]]), 0.75, "layer", previous).get("w")!]).toEqual([0, 0, 1, 0]);
    expect([...magnitudeMasks(new Map([["w", w]]), 0.75, "global", previous).get("w")!]).toEqual([0, 0, 1, 0]);
  });

  it("prunes nothing at 0 and round(s·n) elements otherwise", () => {
    const w = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 3);
    expect(zeros(magnitudeMasks(new Map([["w", w]]), 0, "layer").get("w")!)).toBe(0);
    expect(zeros(magnitudeMasks(new Map([["w", w]]), 0.9, "layer").get("w")!)).toBe(900);
    expect(zeros(magnitudeMasks(new Map([["w", w]]), 0.333, "global").get("w")!)).toBe(333);
  });

  it("applyMask zeroes exactly the pruned entries", () => {
    expect([...applyMask(Float32Array.from([1, -2, 3]), Uint8Array.from([1, 0, 1]))]).toEqual([1, 0, 3]);
  });
});
