import { describe, expect, it } from "vitest";
import { ShapeError } from "../core/errors.js";
import { float32 } from "../graph/tensor.js";
import { DEFAULT_META, type Graph } from "../graph/types.js";
import { checkFeeds, feedProblems } from "./check-feeds.js";

const graph: Graph = {
  name: "two_inputs",
  nodes: [],
  inputs: [
    { name: "a", dtype: "float32", shape: ["batch", 2] },
    { name: "b", dtype: "float32", shape: ["batch", null] },
  ],
  outputs: [],
  initializers: new Map(),
  valueInfo: new Map(),
  opsets: { "": 13 },
  meta: DEFAULT_META,
};

describe("checkFeeds", () => {
  it("accepts feeds that fit, with unknown dims free", () => {
    expect(feedProblems(graph, { a: float32([3, 2], new Array(6).fill(0)), b: float32([3, 7], new Array(21).fill(0)) })).toEqual([]);
  });
  it("requires one value per symbolic dim across inputs", () => {
    const problems = feedProblems(graph, { a: float32([3, 2], new Array(6).fill(0)), b: float32([4, 1], new Array(4).fill(0)) });
    expect(problems).toEqual(['input "b": dim 0 ("batch") is 4 but input "a" set "batch" = 3']);
  });
  it("throws one ShapeError listing every problem and the expected inputs", () => {
    expect(() => checkFeeds(graph, { a: float32([3, 5], new Array(15).fill(0)), c: float32([1], [0]) }, "here")).toThrow(ShapeError);
    try {
      checkFeeds(graph, { a: float32([3, 5], new Array(15).fill(0)), c: float32([1], [0]) }, "here");
    } catch (e) {
      const message = (e as Error).message;
      expect(message).toMatch(/^here: 3 problems with the inputs:/);
      expect(message).toContain('missing input: "b"');
      expect(message).toContain('unknown input: "c"');
      expect(message).toContain('input "a": dim 1 expected float32 [batch, 2], got float32 [3, 5]');
      expect(message).toContain("  b: float32 [batch, ?]");
    }
  });
  it("takes the runtime's dtype rule: exact by default, or what the tfjs runtime converts to the same dtype", () => {
    const ints: Graph = { ...graph, inputs: [{ name: "t", dtype: "int64", shape: ["batch", 3] }] };
    const tfInt32 = { t: { dtype: "int32", dims: [2, 3] } };
    expect(feedProblems(ints, tfInt32)).toEqual(['input "t": dtype expected int64 [batch, 3], got int32 [2, 3]']);
    const tfjs = { dtypeFits: (declared: string, got: string) => (declared === "int64" ? got === "int32" || got === "int64" : declared === got) };
    expect(feedProblems(ints, tfInt32, tfjs)).toEqual([]);
    expect(feedProblems(ints, { t: { dtype: "float32", dims: [2, 3] } }, tfjs)).toEqual(['input "t": dtype expected int64 [batch, 3], got float32 [2, 3]']);
  });
});
