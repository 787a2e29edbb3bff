import { describe, expect, it } from "vitest";
import { OptionError } from "../core/errors.js";
import { DEFAULT_META, type Graph, type ValueInfo } from "../graph/types.js";
import { parseDimFlags, randomInputs } from "./inputs.js";

function graphWith(inputs: ValueInfo[]): Graph {
  return { name: "g", nodes: [], inputs, outputs: [], initializers: new Map(), valueInfo: new Map(), opsets: { "": 13 }, meta: DEFAULT_META };
}

describe("randomInputs", () => {
  it("resolves axis 0 to --batch and named dims from --dim, reproducibly per seed", () => {
    const g = graphWith([
      { name: "x", dtype: "float32", shape: ["batch", 3, "seq"] },
      { name: "ids", dtype: "int64", shape: [null, "seq"] },
    ]);
    const a = randomInputs(g, { seed: 1, batch: 2, dims: { seq: 5 } });
    expect(a.x!.dims).toEqual([2, 3, 5]);
    expect(a.ids!.dims).toEqual([2, 5]);
    expect(Array.from(a.ids!.data as BigInt64Array).every((v) => v >= 0n && v < 10n)).toBe(true);
    expect(randomInputs(g, { seed: 1, batch: 2, dims: { seq: 5 } }).x!.data).toEqual(a.x!.data);
    expect(randomInputs(g, { seed: 2, batch: 2, dims: { seq: 5 } }).x!.data).not.toEqual(a.x!.data);
  });
  it("gives --batch to a batch axis that is not axis 0 (sequence-first RNNs and encoders)", () => {
    const g = graphWith([
      { name: "x", dtype: "float32", shape: [9, "batch", 12] },
      { name: "h0", dtype: "float32", shape: [2, "batch_size", 20] },
    ]);
    const feeds = randomInputs(g, { seed: 0, batch: 3 });
    expect(feeds.x!.dims).toEqual([9, 3, 12]);
    expect(feeds.h0!.dims).toEqual([2, 3, 20]);
  });
  it("lists every dim and dtype it cannot fill", () => {
    const g = graphWith([
      { name: "x", dtype: "float32", shape: ["batch", "seq", "feat"] },
      { name: "s", dtype: "string", shape: [1] },
    ]);
    let err: unknown;
    try {
      randomInputs(g, { seed: 0, batch: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OptionError);
    const message = (err as Error).message;
    expect(message).toContain('input "x" dim 1 is "seq": pass --dim seq=N');
    expect(message).toContain('input "x" dim 2 is "feat": pass --dim feat=N');
    expect(message).toContain('input "s" is string');
  });
  it("parses --dim name=N and names bad ones", () => {
    expect(parseDimFlags(["seq=12", "h=3"])).toEqual({ seq: 12, h: 3 });
    expect(() => parseDimFlags(["seq", "x=-1"])).toThrow('--dim takes name=N (a positive integer), got "seq", "x=-1"');
  });
});
