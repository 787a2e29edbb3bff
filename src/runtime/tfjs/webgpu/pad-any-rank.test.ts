// How a rank-5/6 padding becomes passes of rank ≤ 4 (the kernel itself runs
// against tfjs's cpu backend in webgpu-backend.test.ts): folding unpadded axes
// into the axis before them pads exactly the same elements.
import { describe, expect, it } from "vitest";
import { collapsePadding, padPasses } from "./pad-any-rank.js";

/** Pads a row-major array in plain loops: the reference. */
function padReference(values: number[], shape: number[], paddings: [number, number][], fill: number): number[] {
  const out = shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
  const size = out.reduce((a, b) => a * b, 1);
  const result: number[] = [];
  for (let flat = 0; flat < size; flat++) {
    let rest = flat;
    let source = 0;
    let inside = true;
    for (let axis = out.length - 1, stride = 1; axis >= 0; axis--) {
      const c = (rest % out[axis]!) - paddings[axis]![0];
      rest = Math.floor(rest / out[axis]!);
      if (c < 0 || c >= shape[axis]!) inside = false;
      source += c * stride;
      stride *= shape[axis]!;
    }
    result.push(inside ? values[source]! : fill);
  }
  return result;
}

describe("collapsePadding", () => {
  it("folds the mobile_block gradient's rank-6 padding to rank 3", () => {
    expect(collapsePadding([3, 1, 3, 1, 12, 1], [[0, 0], [0, 1], [0, 0], [0, 1], [0, 0], [0, 0]])).toEqual({
      shape: [3, 3, 12],
      paddings: [[0, 0], [0, 3], [0, 12]],
    });
  });

  it("pads the same elements as the original padding", () => {
    const shape = [2, 3, 2, 2, 3];
    const paddings: [number, number][] = [[0, 0], [1, 2], [0, 0], [0, 0], [2, 0]];
    const values = Array.from({ length: 72 }, (_, i) => i + 1);
    const c = collapsePadding(shape, paddings);
    expect(c.shape.length).toBeLessThanOrEqual(4);
    expect(padReference(values, c.shape, c.paddings, 0)).toEqual(padReference(values, shape, paddings, 0));
  });
});

describe("padPasses", () => {
  it("is one pass when folding reaches rank 4", () => {
    expect(padPasses([3, 1, 3, 1, 12, 1], [[0, 0], [0, 1], [0, 0], [0, 1], [0, 0], [0, 0]])).toHaveLength(1);
  });

  it("pads one axis per pass when every axis is padded, and the passes compose to the padding", () => {
    const shape = [2, 2, 3, 2, 2];
    const paddings: [number, number][] = [[1, 0], [0, 1], [1, 1], [2, 0], [0, 2]];
    const passes = padPasses(shape, paddings);
    expect(passes).toHaveLength(5);
    expect(passes.every((p) => p.shape.length <= 4)).toBe(true);
    let values = Array.from({ length: 48 }, (_, i) => i + 1);
    for (const pass of passes) values = padReference(values, pass.shape, pass.paddings, 0);
    expect(values).toEqual(padReference(Array.from({ length: 48 }, (_, i) => i + 1), shape, paddings, 0));
  });
});
