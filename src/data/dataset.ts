// Datasets are columnar and lazy: one Float32Array of samples and one
// Int32Array of labels are shared by every view; shuffle/take/skip make a new
// index array, map and reshape record what to do when a batch is built. No
// per-example objects exist, so 60,000-sample datasets cost their arrays only.
import { JUPYTER_DISPLAY, type MimeBundle } from "../display/mime.js";
import { table } from "../display/table.js";
import { OptionError, ShapeError, TrainingError } from "../core/errors.js";
import { makeTensor, numElements } from "../graph/tensor.js";
import type { Tensor } from "../graph/types.js";
import { Random } from "../core/random.js";

export interface Batch {
  /** [b, ...sampleShape] */
  readonly x: Tensor<"float32">;
  /** Labels, one per sample. */
  readonly y: Int32Array;
  /**
   * Each sample's row in the arrays the dataset was created from: stable across
   * shuffles, so per-example results (teacher outputs) can be cached by it.
   */
  readonly indices: Int32Array;
}

/** A per-example transform; returning only x keeps the label. */
export type SampleMap = (x: Float32Array, y: number) => { x: Float32Array; y: number } | Float32Array;

/** The arrays every view of one dataset shares. */
interface Storage {
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly sampleSize: number;
}

interface DatasetState {
  readonly storage: Storage;
  /** Rows of `storage`, in this view's order. Never mutated once made. */
  readonly order: Int32Array;
  readonly sampleShape: readonly number[];
  readonly numClasses: number;
  readonly name: string;
  readonly maps: readonly SampleMap[];
  /** Set by shuffle(seed): epoch e of batches() uses the order shuffled with seed + e. */
  readonly reshuffle?: { readonly base: Int32Array; readonly seed: number };
}

function checkCount(what: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new OptionError(`${what} must be a non-negative integer, got ${n}`, { details: { got: n } });
}

/** `base` reordered by a permutation drawn from `seed`. */
function permuted(base: Int32Array, seed: number): Int32Array {
  const p = new Random(seed).permutation(base.length);
  const out = new Int32Array(base.length);
  for (let i = 0; i < p.length; i++) out[i] = base[p[i]];
  return out;
}

function describeLabelProblems(y: ArrayLike<number>, numClasses: number, rows?: ArrayLike<number>): string[] {
  const bad: string[] = [];
  let count = 0;
  for (let i = 0; i < y.length; i++) {
    const label = y[i];
    if (!(Number.isInteger(label) && label >= 0 && label < numClasses)) {
      if (++count <= 5) bad.push(`label ${label} at index ${rows ? rows[i] : i}`);
    }
  }
  if (count > 5) bad.push(`and ${count - 5} more`);
  return bad;
}

export class Dataset {
  readonly size: number;
  readonly sampleShape: readonly number[];
  readonly numClasses: number;
  /** How it was made, e.g. "mnist:train.shuffle(1).take(512)"; resolveData() reads it back. */
  readonly name: string;
  readonly #state: DatasetState;
  /** The one piece of mutable state: how many epochs batches() has served, for reshuffling. */
  #epochsServed = 0;

  private constructor(state: DatasetState) {
    this.#state = state;
    this.size = state.order.length;
    this.sampleShape = Object.freeze([...state.sampleShape]);
    this.numClasses = state.numClasses;
    this.name = state.name;
  }

  /**
   * A dataset over x ([N, ...sampleShape], float32) and labels y (N integers in
   * [0, numClasses)). numClasses defaults to the largest label + 1. The arrays
   * are used in place, not copied.
   */
  static fromArrays(x: Tensor<"float32">, y: Int32Array, options: { numClasses?: number; name?: string } = {}): Dataset {
    const name = options.name ?? "arrays";
    if (x.dtype !== "float32") {
      throw new ShapeError(`dataset "${name}": x must be float32, got ${x.dtype}`, { details: { expected: "float32", got: x.dtype } });
    }
    if (x.dims.length < 1 || x.dims[0] !== y.length) {
      throw new ShapeError(
        `dataset "${name}": x of shape [${x.dims.join(", ")}] must have one row per label: expected [${y.length}, ...], got [${x.dims.join(", ")}]`,
        { details: { expected: y.length, got: x.dims[0] } },
      );
    }
    if (x.data.length !== numElements(x.dims)) {
      throw new ShapeError(`dataset "${name}": x has ${x.data.length} values, its shape [${x.dims.join(", ")}] needs ${numElements(x.dims)}`);
    }
    let max = -1;
    for (const label of y) if (label > max) max = label;
    const numClasses = options.numClasses ?? max + 1;
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      throw new OptionError(`dataset "${name}": numClasses must be a positive integer, got ${numClasses}`);
    }
    const bad = describeLabelProblems(y, numClasses);
    if (bad.length > 0) {
      throw new TrainingError(`dataset "${name}": labels must be integers in [0, ${numClasses}); found ${bad.join(", ")}`, {
        details: { numClasses },
      });
    }
    const sampleShape = x.dims.slice(1);
    const order = new Int32Array(y.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    return new Dataset({ storage: { x: x.data, y, sampleSize: numElements(sampleShape) }, order, sampleShape, numClasses, name, maps: [] });
  }

  #derive(changes: Partial<DatasetState> & { name: string }): Dataset {
    const { reshuffle: _dropped, ...rest } = this.#state;
    return new Dataset({ ...rest, ...changes });
  }

  /**
   * A seeded random order. Used for training, batches() reshuffles every epoch
   * with seed + epoch (epoch 0 is this dataset's own order).
   */
  shuffle(seed: number): Dataset {
    if (!Number.isInteger(seed)) throw new OptionError(`shuffle(seed): seed must be an integer, got ${seed}`);
    const base = this.#state.order;
    return this.#derive({ order: permuted(base, seed), reshuffle: { base, seed }, name: `${this.name}.shuffle(${seed})` });
  }

  /** The first n samples (all of them if there are fewer), as a fixed subset. */
  take(n: number): Dataset {
    checkCount("take(n): n", n);
    return this.#derive({ order: this.#state.order.subarray(0, Math.min(n, this.size)), name: `${this.name}.take(${n})` });
  }

  /** All but the first n samples, as a fixed subset. */
  skip(n: number): Dataset {
    checkCount("skip(n): n", n);
    return this.#derive({ order: this.#state.order.subarray(Math.min(n, this.size)), name: `${this.name}.skip(${n})` });
  }

  /**
   * A per-example transform applied when batches are built (augmentation,
   * normalisation). It gets a copy of the sample, so it may modify it in place.
   */
  map(fn: SampleMap): Dataset {
    return new Dataset({ ...this.#state, maps: [...this.#state.maps, fn], name: `${this.name}.map(${fn.name || "fn"})` });
  }

  /** The same samples seen with another shape of the same size: [784] ↔ [1, 28, 28]. One dim may be -1. */
  reshape(sampleShape: readonly number[]): Dataset {
    const size = this.#state.storage.sampleSize;
    const inferred = sampleShape.filter((d) => d === -1).length;
    const known = numElements(sampleShape.filter((d) => d !== -1));
    const valid = sampleShape.every((d) => d === -1 || (Number.isInteger(d) && d > 0)) && inferred <= 1;
    const shape = valid && inferred === 1 && known > 0 && size % known === 0 ? sampleShape.map((d) => (d === -1 ? size / known : d)) : [...sampleShape];
    if (!valid || numElements(shape) !== size) {
      throw new ShapeError(
        `dataset "${this.name}": cannot reshape samples of shape [${this.sampleShape.join(", ")}] (${size} values) to [${sampleShape.join(", ")}]`,
        { details: { expected: size, got: sampleShape } },
      );
    }
    return new Dataset({ ...this.#state, sampleShape: shape, name: `${this.name}.reshape(${shape.join(",")})` });
  }

  /** The row order epoch `epoch` uses. */
  #orderFor(epoch: number): Int32Array {
    const r = this.#state.reshuffle;
    return r === undefined || epoch === 0 ? this.#state.order : permuted(r.base, r.seed + epoch);
  }

  /**
   * Batches in order. A dataset made by shuffle(seed) is reshuffled each epoch
   * with seed + epoch; the epoch is `options.epoch` or, if absent, the number
   * of times batches() was called before on this dataset.
   */
  batches(batchSize: number, options: { dropLast?: boolean; epoch?: number } = {}): IterableIterator<Batch> {
    // Checked and counted now, not when iteration starts (a generator's body runs lazily).
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new OptionError(`batches(batchSize): batchSize must be a positive integer, got ${batchSize}`);
    const epoch = options.epoch ?? this.#epochsServed++;
    checkCount("batches(): epoch", epoch);
    return this.#generate(this.#orderFor(epoch), batchSize, options.dropLast ?? false);
  }

  *#generate(order: Int32Array, batchSize: number, dropLast: boolean): IterableIterator<Batch> {
    const { storage, maps, sampleShape } = this.#state;
    const size = storage.sampleSize;
    for (let start = 0; start < order.length; start += batchSize) {
      const b = Math.min(batchSize, order.length - start);
      if (b < batchSize && dropLast) return;
      const rows = order.slice(start, start + b);
      const x = new Float32Array(b * size);
      const y = new Int32Array(b);
      for (let i = 0; i < b; i++) {
        const row = rows[i];
        x.set(storage.x.subarray(row * size, (row + 1) * size), i * size);
        y[i] = storage.y[row];
      }
      if (maps.length > 0) this.#applyMaps(x, y, rows);
      yield { x: makeTensor("float32", [b, ...sampleShape], x), y, indices: rows };
    }
  }

  #applyMaps(x: Float32Array, y: Int32Array, rows: Int32Array): void {
    const size = this.#state.storage.sampleSize;
    for (let i = 0; i < y.length; i++) {
      const sample = x.subarray(i * size, (i + 1) * size);
      let label = y[i];
      for (const fn of this.#state.maps) {
        const out = fn(sample, label);
        const outX = out instanceof Float32Array ? out : out.x;
        if (!(out instanceof Float32Array)) label = out.y;
        if (outX.length !== size) {
          throw new ShapeError(`dataset "${this.name}": map(${fn.name || "fn"}) returned ${outX.length} values for sample ${rows[i]}, expected ${size}`, {
            details: { expected: size, got: outX.length },
          });
        }
        if (outX !== sample) sample.set(outX);
      }
      y[i] = label;
    }
    const bad = describeLabelProblems(y, this.numClasses, rows);
    if (bad.length > 0) throw new TrainingError(`dataset "${this.name}": map produced labels outside [0, ${this.numClasses}): ${bad.join(", ")}`);
  }

  /** Every sample, maps applied, as one array pair (evaluation, calibration). */
  toArrays(): { x: Tensor<"float32">; y: Int32Array } {
    if (this.size === 0) return { x: makeTensor("float32", [0, ...this.sampleShape], new Float32Array(0)), y: new Int32Array(0) };
    const [only] = this.batches(this.size, { epoch: 0 });
    return { x: only.x, y: only.y };
  }

  toString(): string {
    return `Dataset ${this.name}: ${this.size} × [${this.sampleShape.join(", ")}], ${this.numClasses} classes`;
  }

  /** Shown as a one-row table in notebooks and the REPL. */
  [JUPYTER_DISPLAY](): MimeBundle {
    const row = { dataset: this.name, samples: this.size, "sample shape": `[${this.sampleShape.join(", ")}]`, classes: this.numClasses };
    return table([row])[JUPYTER_DISPLAY]();
  }
}

