import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FormatError, OptionError, ShapeError, TrainingError } from "../core/errors.js";
import { float32, makeTensor } from "../graph/tensor.js";
import { writeNpz } from "../formats/numpy/npz.js";
import { Dataset } from "./dataset.js";
import { datasets, resolveData } from "./datasets.js";

describe("datasets.mnist", () => {
  it("is the fixed 8,000 / 2,000 split of the package's 10,000 digits, in [0, 1]", async () => {
    const { train, test } = await datasets.mnist();
    expect([train.size, test.size, train.name, test.name]).toEqual([8000, 2000, "mnist:train", "mnist:test"]);
    expect([train.sampleShape, train.numClasses]).toEqual([[784], 10]);
    // Pinned: the split never changes (MNIST_SPLIT_SEED), so published numbers stay comparable.
    const [first] = train.batches(10, { epoch: 0 });
    expect(Array.from(first.y)).toEqual([2, 3, 4, 5, 5, 2, 9, 3, 8, 5]);
    const testCounts = new Array<number>(10).fill(0);
    for (const label of test.toArrays().y) testCounts[label]++;
    expect(testCounts).toEqual([195, 211, 215, 200, 213, 155, 199, 198, 203, 211]);
    const { x } = train.toArrays();
    let min = Infinity;
    let max = -Infinity;
    for (const v of x.data) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect([min, max]).toEqual([0, 1]);
  });

  it("has no digit in both train and test", async () => {
    const { train, test } = await datasets.mnist();
    const key = (x: Float32Array, i: number) => Buffer.from(x.buffer, x.byteOffset + i * 784 * 4, 784 * 4).toString("base64");
    const trainX = train.toArrays().x.data;
    const seen = new Set(Array.from({ length: train.size }, (_, i) => key(trainX, i)));
    const testX = test.toArrays().x.data;
    const shared = Array.from({ length: test.size }, (_, i) => key(testX, i)).filter((k) => seen.has(k));
    expect(shared.length).toBe(0);
  });

  it("is loaded once and cached", async () => {
    expect((await datasets.mnist()).train).toBe((await datasets.mnist()).train);
  });

  it("reshapes to [1, 28, 28] for conv nets", async () => {
    const [b] = (await datasets.mnist()).test.reshape([1, 28, 28]).batches(5);
    expect(b.x.dims).toEqual([5, 1, 28, 28]);
  });
});

describe("datasets.fromNpz", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "compactor-data-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads float32 samples and int64 labels", async () => {
    const path = join(dir, "f.npz");
    await writeNpz(path, { x: float32([3, 2], [1, 2, 3, 4, 5, 6]), y: makeTensor("int64", [3], BigInt64Array.from([0n, 2n, 1n])) });
    const d = await datasets.fromNpz(path);
    expect([d.size, d.sampleShape, d.numClasses, d.name]).toEqual([3, [2], 3, path]);
    const [b] = d.batches(3);
    expect(Array.from(b.y)).toEqual([0, 2, 1]);
    expect(Array.from(b.x.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("scales uint8 pixels to [0, 1] and takes other array names", async () => {
    const path = join(dir, "u8.npz");
    await writeNpz(path, { images: makeTensor("uint8", [2, 2], Uint8Array.from([0, 255, 51, 102])), labels: makeTensor("uint8", [2], Uint8Array.from([1, 0])) }, { compress: true });
    const d = await datasets.fromNpz(path, { x: "images", y: "labels" });
    expect(Array.from(d.toArrays().x.data)).toEqual([0, 1, 0.2, 0.4].map(Math.fround));
  });

  it("errors name expected and got", async () => {
    const path = join(dir, "bad.npz");
    await writeNpz(path, { images: float32([2, 1], [0, 1]), y: float32([2], [0, 1]) });
    await expect(datasets.fromNpz(path)).rejects.toThrow(FormatError);
    await expect(datasets.fromNpz(path)).rejects.toThrow(/expected arrays "x" \(samples\) and "y" \(labels\), missing "x"; the file has \[images, y\]/);
    await expect(datasets.fromNpz(path, { x: "images" })).rejects.toThrow(ShapeError);
    await expect(datasets.fromNpz(path, { x: "images" })).rejects.toThrow(/array "y": expected integer class labels, got float32/);
    const f64 = join(dir, "f64.npz");
    await writeNpz(f64, { x: makeTensor("float64", [1, 1], Float64Array.from([0])), y: makeTensor("int32", [1], Int32Array.from([0])) });
    await expect(datasets.fromNpz(f64)).rejects.toThrow(/array "x": expected float32 or uint8 samples, got float64/);
  });

  it("names a bad label and its index", async () => {
    const path = join(dir, "labels.npz");
    await writeNpz(path, { x: float32([3, 1], [0, 0, 0]), y: makeTensor("int32", [3], Int32Array.from([0, 1, 5])) });
    await expect(datasets.fromNpz(path, { numClasses: 2 })).rejects.toThrow(TrainingError);
    await expect(datasets.fromNpz(path, { numClasses: 2 })).rejects.toThrow(/labels must be integers in \[0, 2\); found label 5 at index 2/);
  });
});

describe("resolveData", () => {
  it("resolves built-in names, views and .npz paths; rebuilds a dataset from its name", async () => {
    const { train, test } = await datasets.mnist();
    expect(await resolveData("mnist:test")).toBe(test);
    expect(await resolveData(train)).toBe(train);
    const view = train.shuffle(3).take(20).reshape([1, 28, 28]);
    const rebuilt = await resolveData(view.name);
    expect(rebuilt.name).toBe(view.name);
    expect(rebuilt.sampleShape).toEqual([1, 28, 28]);
    expect(Array.from([...rebuilt.batches(20)][0].indices)).toEqual(Array.from([...view.batches(20, { epoch: 0 })][0].indices));
  });

  it("refuses unknown references with the allowed ones, and map views", async () => {
    await expect(resolveData("cifar10")).rejects.toThrow(OptionError);
    await expect(resolveData("cifar10")).rejects.toThrow(/data must be one of \[mnist:train, mnist:test\] or a path to an .npz file, got "cifar10"/);
    const mapped = Dataset.fromArrays(float32([1, 1], [0]), Int32Array.from([0])).map(function scale(x) {
      return x;
    });
    await expect(resolveData(mapped.name)).rejects.toThrow(/made with map\(fn\)/);
  });
});
