// Teacher outputs for distillation, computed by onnxruntime (inference needs no
// gradients and ort is several times faster than tfjs here). Without
// augmentation the teacher sees each sample unchanged every epoch, so its
// outputs are computed once for the whole dataset and looked up by sample
// index; with augmentation each batch is new and is run as it comes.
import { ShapeError } from "../../core/errors.js";
import type { Dataset } from "../../data/dataset.js";
import type { Graph, Tensor } from "../../graph/types.js";
import { createOrtSession, type OrtSession } from "../../runtime/ort.js";

/** Teacher values for one batch, row-major, by value name. */
export type TeacherValues = ReadonlyMap<string, Tensor<"float32">>;

export interface TeacherSource {
  /** The teacher values for these samples (x as the student sees it, indices as the dataset numbers them). */
  valuesFor(x: Tensor<"float32">, indices: Int32Array): Promise<TeacherValues>;
}

const CACHE_BATCH = 500;

/** Runs the teacher on a batch; x is reshaped to the teacher's per-sample dims (same element count). */
class TeacherRunner {
  readonly #session: OrtSession;
  readonly #graph: Graph;
  readonly #names: readonly string[];
  readonly #sampleDims: readonly number[];

  private constructor(session: OrtSession, graph: Graph, names: readonly string[], sampleDims: readonly number[]) {
    this.#session = session;
    this.#graph = graph;
    this.#names = names;
    this.#sampleDims = sampleDims;
  }

  static async open(teacher: Graph, names: readonly string[], sampleDims: readonly number[]): Promise<TeacherRunner> {
    return new TeacherRunner(await createOrtSession(teacher), teacher, names, sampleDims);
  }

  async run(x: Tensor<"float32">): Promise<Map<string, Tensor<"float32">>> {
    const feed: Tensor<"float32"> = { dtype: "float32", dims: [x.dims[0]!, ...this.#sampleDims], data: x.data };
    const out = await this.#session.run({ [this.#graph.inputs[0]!.name]: feed }, { outputs: [...this.#names] });
    const values = new Map<string, Tensor<"float32">>();
    for (const name of this.#names) {
      const t = out[name]!;
      if (t.dtype !== "float32") throw new ShapeError(`teacher value "${name}" is ${t.dtype}; distillation compares float32 values`);
      values.set(name, t as Tensor<"float32">);
    }
    return values;
  }
}

/** Per batch: the teacher runs on exactly what the student sees (augmented inputs). */
export async function perBatchTeacher(teacher: Graph, names: readonly string[], sampleDims: readonly number[]): Promise<TeacherSource> {
  const runner = await TeacherRunner.open(teacher, names, sampleDims);
  return { valuesFor: (x) => runner.run(x) };
}

/** Once for the dataset, then looked up by sample index in any order. */
export async function cachedTeacher(teacher: Graph, names: readonly string[], sampleDims: readonly number[], dataset: Dataset): Promise<TeacherSource> {
  const runner = await TeacherRunner.open(teacher, names, sampleDims);
  const parts: { indices: Int32Array; values: Map<string, Tensor<"float32">> }[] = [];
  let maxIndex = -1;
  for (const batch of dataset.batches(CACHE_BATCH, { epoch: 0 })) {
    parts.push({ indices: batch.indices, values: await runner.run(batch.x) });
    for (const i of batch.indices) maxIndex = Math.max(maxIndex, i);
  }
  // slot[sampleIndex] = row in the cache.
  const slot = new Int32Array(maxIndex + 1).fill(-1);
  const cache = new Map<string, { rowDims: readonly number[]; rowSize: number; data: Float32Array }>();
  let row = 0;
  for (const { indices, values } of parts) {
    for (const [name, t] of values) {
      let entry = cache.get(name);
      if (entry === undefined) {
        const rowDims = t.dims.slice(1);
        const rowSize = rowDims.reduce((a, b) => a * b, 1);
        entry = { rowDims, rowSize, data: new Float32Array(dataset.size * rowSize) };
        cache.set(name, entry);
      }
      entry.data.set(t.data, row * entry.rowSize);
    }
    indices.forEach((index, k) => (slot[index] = row + k));
    row += indices.length;
  }
  return {
    async valuesFor(_x, indices) {
      const out = new Map<string, Tensor<"float32">>();
      for (const [name, { rowDims, rowSize, data }] of cache) {
        const gathered = new Float32Array(indices.length * rowSize);
        indices.forEach((index, k) => {
          const at = index < slot.length ? slot[index]! : -1;
          if (at < 0) throw new ShapeError(`distill: sample ${index} is not in the dataset whose teacher outputs were cached`);
          gathered.set(data.subarray(at * rowSize, (at + 1) * rowSize), k * rowSize);
        });
        out.set(name, { dtype: "float32", dims: [indices.length, ...rowDims], data: gathered });
      }
      return out;
    },
  };
}
