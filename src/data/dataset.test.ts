import { describe, expect, it } from "vitest";
import { JUPYTER_DISPLAY } from "../display/mime.js";
import { OptionError, ShapeError, TrainingError } from "../core/errors.js";
import { makeTensor } from "../graph/tensor.js";
import { Dataset, type Batch } from "./dataset.js";

/** n samples of 4 values; sample i is [i, i+0.25, i+0.5, i+0.75] and its label i % 3. */
function small(n = 10): Dataset {
  const x = Float32Array.from({ length: n * 4 }, (_, k) => Math.floor(k / 4) + (k % 4) / 4);
  const y = Int32Array.from({ length: n }, (_, i) => i % 3);
  return Dataset.fromArrays(makeTensor("float32", [n, 4], x), y, { name: "small" });
}

function all(batches: Iterable<Batch>): { rows: number[]; labels: number[]; firsts: number[] } {
  const rows: number[] = [];
  const labels: number[] = [];
  const firsts: number[] = [];
  for (const b of batches) {
    const size = b.x.dims.slice(1).reduce((a, c) => a * c, 1);
    rows.push(...b.indices);
    labels.push(...b.y);
    for (let i = 0; i < b.y.length; i++) firsts.push(b.x.data[i * size]);
  }
  return { rows, labels, firsts };
}

describe("Dataset.fromArrays", () => {
  it("keeps shapes, infers the number of classes and names the dataset", () => {
    const d = small();
    expect([d.size, d.sampleShape, d.numClasses, d.name]).toEqual([10, [4], 3, "small"]);
    expect(String(d)).toBe("Dataset small: 10 × [4], 3 classes");
    const bundle = d[JUPYTER_DISPLAY]();
    expect(bundle["text/plain"]).toMatch(/small .*10 .*\[4\] .*3/);
    expect(bundle["text/html"]).toContain("<table");
  });

  it("names expected and got for shapes and dtypes", () => {
    expect(() => Dataset.fromArrays(makeTensor("float32", [3, 2], new Float32Array(6)), new Int32Array(4))).toThrow(
      /expected \[4, \.\.\.\], got \[3, 2\]/,
    );
    const wrong = makeTensor("float64", [1, 1], new Float64Array(1)) as never;
    expect(() => Dataset.fromArrays(wrong, new Int32Array(1))).toThrow(ShapeError);
    expect(() => Dataset.fromArrays(wrong, new Int32Array(1))).toThrow(/x must be float32, got float64/);
  });

  it("names every bad label and its index", () => {
    const x = makeTensor("float32", [4, 1], new Float32Array(4));
    const run = () => Dataset.fromArrays(x, Int32Array.from([0, 10, -1, 3]), { numClasses: 10, name: "d" });
    expect(run).toThrow(TrainingError);
    expect(run).toThrow(/labels must be integers in \[0, 10\); found label 10 at index 1, label -1 at index 2/);
  });
});

describe("views", () => {
  it("shuffle(seed) is a reproducible permutation; other seeds differ", () => {
    const order = (seed: number) => all(small(50).shuffle(seed).batches(7)).rows;
    expect(order(1)).toEqual(order(1));
    expect(order(1)).not.toEqual(order(2));
    expect([...order(1)].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("a shuffled dataset reshuffles each epoch with seed + epoch", () => {
    const d = small(50).shuffle(3);
    const epoch0 = all(d.batches(8)).rows;
    const epoch1 = all(d.batches(8)).rows;
    expect(epoch1).not.toEqual(epoch0);
    expect(all(d.batches(8, { epoch: 0 })).rows).toEqual(epoch0);
    // A fresh dataset made the same way serves the same epochs: training is reproducible.
    const again = small(50).shuffle(3);
    expect(all(again.batches(8, { epoch: 1 })).rows).toEqual(epoch1);
    // Epoch e of shuffle(s) is what shuffle(s + e) shows first.
    expect(epoch1).toEqual(all(small(50).shuffle(4).batches(8)).rows);
  });

  it("take and skip are fixed subsets, clamped to the size", () => {
    const d = small(10).shuffle(1);
    const first = d.take(4);
    expect(first.size).toBe(4);
    expect(all(first.batches(2)).rows).toEqual(all(first.batches(2)).rows); // no reshuffle after take
    expect([...all(first.batches(10)).rows, ...all(d.skip(4).batches(10)).rows]).toEqual(all(d.batches(10, { epoch: 0 })).rows);
    expect(d.take(100).size).toBe(10);
    expect(d.skip(100).size).toBe(0);
    expect(() => d.take(-1)).toThrow(OptionError);
    expect(d.take(4).name).toBe("small.shuffle(1).take(4)");
  });

  it("batches carry x, labels and source rows; dropLast drops the short one", () => {
    const d = small(10);
    const batches = [...d.batches(4)];
    expect(batches.map((b) => b.x.dims)).toEqual([[4, 4], [4, 4], [2, 4]]);
    expect(Array.from(batches[2].x.data)).toEqual([8, 8.25, 8.5, 8.75, 9, 9.25, 9.5, 9.75]);
    expect(Array.from(batches[2].y)).toEqual([2, 0]);
    expect(Array.from(batches[2].indices)).toEqual([8, 9]);
    expect([...d.batches(4, { dropLast: true })].length).toBe(2);
    expect(() => d.batches(0)).toThrow(/batchSize must be a positive integer, got 0/);
  });

  it("map transforms copies, never the shared arrays, and may change labels", () => {
    const d = small(6);
    const doubled = d.map(function double(x) {
      for (let i = 0; i < x.length; i++) x[i] *= 2; // in place, on a copy
      return x;
    });
    expect(all(doubled.batches(6)).firsts).toEqual([0, 2, 4, 6, 8, 10]);
    expect(all(d.batches(6)).firsts).toEqual([0, 1, 2, 3, 4, 5]);
    expect(doubled.name).toBe("small.map(double)");
    const relabelled = d.map((x, y) => ({ x: new Float32Array(x.length).fill(y), y: (y + 1) % 3 }));
    const { labels, firsts } = all(relabelled.batches(3));
    expect(labels).toEqual([1, 2, 0, 1, 2, 0]);
    expect(firsts).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it("map errors name the sample and what was expected", () => {
    const d = small(6);
    expect(() => [...d.map(() => new Float32Array(3)).batches(2)]).toThrow(/returned 3 values for sample 0, expected 4/);
    expect(() => [...d.map((x) => ({ x, y: 7 })).batches(2)]).toThrow(/labels outside \[0, 3\): label 7 at index 0, label 7 at index 1/);
  });

  it("reshape changes how samples are seen, not the data", () => {
    const d = small(3).reshape([2, 2]);
    const [b] = d.batches(3);
    expect(b.x.dims).toEqual([3, 2, 2]);
    expect(d.reshape([-1]).sampleShape).toEqual([4]);
    expect(d.reshape([1, -1, 2]).sampleShape).toEqual([1, 2, 2]);
    expect(() => d.reshape([3])).toThrow(/cannot reshape samples of shape \[2, 2\] \(4 values\) to \[3\]/);
    expect(d.shuffle(1).reshape([4]).name).toBe("small.reshape(2,2).shuffle(1).reshape(4)");
  });

  it("toArrays returns every sample with maps applied", () => {
    const { x, y } = small(5).map((s) => s.map((v) => -v)).toArrays();
    expect(x.dims).toEqual([5, 4]);
    expect(x.data[4]).toBe(-1);
    expect(Array.from(y)).toEqual([0, 1, 2, 0, 1]);
  });
});
