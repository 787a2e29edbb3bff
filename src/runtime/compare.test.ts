import { describe, expect, it } from "vitest";
import { float32, int64, makeTensor } from "../graph/tensor.js";
import { compareOutputs, compareTensors } from "./compare.js";

describe("compareTensors", () => {
  it("measures the largest difference relative to the reference's largest magnitude", () => {
    const d = compareTensors("y", float32([3], [1, -2.001, 0]), float32([3], [1, -2, 0.0005]));
    expect(d.scale).toBe(2);
    expect(d.maxAbs).toBeCloseTo(0.001, 6);
    expect(d.maxRel).toBeCloseTo(0.0005, 6);
  });
  it("treats NaN as equal only where the reference is NaN", () => {
    expect(compareTensors("y", float32([2], [NaN, 1]), float32([2], [NaN, 1])).maxAbs).toBe(0);
    expect(compareTensors("y", float32([2], [NaN, 1]), float32([2], [0, 1])).maxAbs).toBe(Infinity);
  });
  it("compares int64 with int32 by value, and flags shape mismatches and missing outputs", () => {
    expect(compareTensors("i", makeTensor("int32", [2], Int32Array.from([3, 4])), int64([2], [3, 4])).maxAbs).toBe(0);
    expect(compareTensors("y", float32([2], [1, 2]), float32([1, 2], [1, 2])).mismatch).toBe("shape [2], reference [1, 2]");
    const diffs = compareOutputs({ a: float32([1], [1]), extra: float32([1], [1]) }, { a: float32([1], [1]), b: float32([1], [1]) });
    expect(diffs.map((d) => [d.name, d.mismatch])).toEqual([
      ["a", undefined],
      ["b", "missing from the result"],
      ["extra", "missing from the reference"],
    ]);
  });
});
