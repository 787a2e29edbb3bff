import { describe, expect, it } from "vitest";
import { broadcast, divide, mergeShapes, multiply, product } from "./dims.js";

describe("symbolic dims", () => {
  it("multiplies into canonical products and divides them back", () => {
    expect(multiply("batch", 4)).toBe("4*batch");
    expect(multiply(4, "batch")).toBe("4*batch");
    expect(multiply("T", "N")).toBe("N*T");
    expect(multiply("2*N", "3*T")).toBe("6*N*T");
    expect(multiply("N", 1)).toBe("N");
    expect(multiply("N", 0)).toBe(0);
    expect(multiply("N", null)).toBeNull();
    expect(multiply("N", 0.5)).toBeNull();
    expect(divide("4*batch", 4)).toBe("batch");
    expect(divide("4*batch", 8)).toBeNull();
    expect(divide("6*N*T", "2*T")).toBe("3*N");
    expect(divide("N", "T")).toBeNull();
    expect(divide(12, 5)).toBeNull();
    expect(product(["N", 3, 4])).toBe("12*N");
    expect(product(["N", null])).toBeNull();
    expect(product([])).toBe(1);
  });

  it("broadcasts numbers, symbols and unknowns", () => {
    expect(broadcast([["N", 1, 3], [4, 1]])).toEqual(["N", 4, 3]);
    expect(broadcast([["N"], [5]])).toEqual([5]);
    expect(broadcast([["N"], ["M"]])).toEqual([null]);
    expect(broadcast([[null], [1]])).toEqual([null]);
    expect(broadcast([[2], [3]])).toMatch(/cannot broadcast \[2\] with \[3\]/);
  });

  it("merges two descriptions of a shape, known sizes first", () => {
    expect(mergeShapes(["N", null, 3], [8, 5, null])).toEqual([8, 5, 3]);
    expect(mergeShapes(undefined, ["N"])).toEqual(["N"]);
    expect(mergeShapes(["N"], ["N", 2])).toEqual(["N"]);
  });
});
