// Seeded random feeds for a graph's inputs: used to check a saved model against
// the in-memory one and by `compactor run` when no --inputs are given.
import { ShapeError } from "../errors.js";
import type { Graph, Tensor } from "../graph/types.js";
import { allocate, makeTensor, numElements } from "../graph/tensor.js";
import { seededRandom } from "../random.js";

/**
 * One tensor per graph input. Symbolic dims take `dims[name]` or `batch` (the
 * first dim) or 1; floats are uniform in [-1, 1), integers in [0, intHigh).
 */
export function randomInputs(
  graph: Graph,
  options: { seed?: number; batch?: number; dims?: Readonly<Record<string, number>>; intHigh?: number } = {},
): Record<string, Tensor> {
  const next = seededRandom(options.seed ?? 0);
  const feeds: Record<string, Tensor> = {};
  for (const input of graph.inputs) {
    if (!input.shape) {
      throw new ShapeError(`input "${input.name}" has no known shape; pass inputs explicitly (--inputs x.npz)`);
    }
    const dims = input.shape.map((d, i) => {
      if (typeof d === "number") return d;
      if (typeof d === "string" && options.dims?.[d] !== undefined) return options.dims[d]!;
      return i === 0 ? (options.batch ?? 1) : 1;
    });
    const n = numElements(dims);
    const data = allocate(input.dtype, n);
    const high = options.intHigh ?? 10;
    for (let i = 0; i < n; i++) {
      const u = next();
      switch (input.dtype) {
        case "float32":
        case "float64":
          (data as Float32Array)[i] = u * 2 - 1;
          break;
        case "int64":
        case "uint64":
          (data as BigInt64Array)[i] = BigInt(Math.floor(u * high));
          break;
        case "bool":
          (data as Uint8Array)[i] = u < 0.5 ? 0 : 1;
          break;
        case "string":
          throw new ShapeError(`input "${input.name}" is a string tensor; pass inputs explicitly (--inputs x.npz)`);
        default:
          (data as Int32Array)[i] = Math.floor(u * high);
      }
    }
    feeds[input.name] = makeTensor(input.dtype, dims, data);
  }
  return feeds;
}
