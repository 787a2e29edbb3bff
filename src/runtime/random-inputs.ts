// Seeded random feeds for a graph's inputs: `compactor run`/`bench` without
// --inputs, checking a saved model against the in-memory one, latency runs.
// Symbolic dims resolve as dims[name], else axis 0 or a dim named like the
// batch ("batch", "batch_size", "N") → batch; any other is reported.
import { OptionError } from "../core/errors.js";
import { allocate, makeTensor, numElements } from "../graph/tensor.js";
import type { DType, Graph, Tensor, ValueInfo } from "../graph/types.js";
import { seededRandom } from "../core/random.js";

export interface RandomInputOptions {
  readonly seed: number;
  /** Size of a symbolic or unknown axis 0. */
  readonly batch: number;
  /** Sizes for other symbolic dims by name. */
  readonly dims?: Readonly<Record<string, number>>;
  /** Integer inputs are drawn from [0, intMax): safe for embeddings and Gather indices. */
  readonly intMax?: number;
}

/**
 * Names exporters give the batch axis wherever it sits: sequence-first RNNs and
 * encoders (PyTorch's batch_first=False) carry it on axis 1, so `--batch` must
 * reach it there too.
 */
const BATCH_DIM_NAMES: ReadonlySet<string> = new Set(["batch", "batch_size", "batchsize", "n"]);

const INTEGER_DTYPES: readonly DType[] = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"];

function resolveDims(input: ValueInfo, options: RandomInputOptions, problems: string[]): number[] | undefined {
  if (input.shape === undefined) {
    problems.push(`input "${input.name}" has no declared shape; pass --inputs with an .npz instead`);
    return undefined;
  }
  const dims: number[] = [];
  input.shape.forEach((dim, axis) => {
    if (typeof dim === "number" && dim >= 0) dims.push(dim);
    else if (typeof dim === "string" && dim !== "" && options.dims?.[dim] !== undefined) dims.push(options.dims[dim]!);
    else if (axis === 0 || (typeof dim === "string" && BATCH_DIM_NAMES.has(dim.toLowerCase()))) dims.push(options.batch);
    else problems.push(`input "${input.name}" dim ${axis} is ${dim === null ? "unknown" : `"${dim}"`}: pass --dim ${typeof dim === "string" && dim ? dim : "<name>"}=N`);
  });
  return dims;
}

function randomTensor(input: ValueInfo, dims: number[], next: () => number, intMax: number, problems: string[]): Tensor | undefined {
  const n = numElements(dims);
  const dtype = input.dtype;
  if (dtype === "float32" || dtype === "float64") {
    const data = allocate(dtype, n);
    // Box-Muller: standard normal values, like the inputs a trained model sees after normalization.
    for (let i = 0; i < n; i++) data[i] = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
    return makeTensor(dtype, dims, data);
  }
  if (dtype === "bool") {
    const data = allocate("bool", n);
    for (let i = 0; i < n; i++) data[i] = next() < 0.5 ? 1 : 0;
    return makeTensor("bool", dims, data);
  }
  if (INTEGER_DTYPES.includes(dtype)) {
    const data = allocate(dtype, n);
    const big = data instanceof BigInt64Array || data instanceof BigUint64Array;
    for (let i = 0; i < n; i++) {
      const v = Math.floor(next() * intMax);
      (data as unknown as (number | bigint)[])[i] = big ? BigInt(v) : v;
    }
    return makeTensor(dtype, dims, data);
  }
  problems.push(`input "${input.name}" is ${dtype}; random values are generated for float32/float64, integers and bool only: pass --inputs`);
  return undefined;
}

/** Seeded random feeds for every graph input; lists every dim or dtype it cannot fill. */
export function randomInputs(graph: Graph, options: RandomInputOptions): Record<string, Tensor> {
  const next = seededRandom(options.seed);
  const problems: string[] = [];
  const feeds: Record<string, Tensor> = {};
  for (const input of graph.inputs) {
    const dims = resolveDims(input, options, problems);
    if (dims === undefined) continue;
    const tensor = randomTensor(input, dims, next, options.intMax ?? 10, problems);
    if (tensor) feeds[input.name] = tensor;
  }
  if (problems.length > 0) {
    throw new OptionError(`cannot generate inputs for graph "${graph.name}":\n  ${problems.join("\n  ")}`, { details: { problems } });
  }
  return feeds;
}

