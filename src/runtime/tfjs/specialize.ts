// Per-input-shape constant folding. ONNX exports compute shapes at run time
// (Shape → Gather → Unsqueeze → Concat → Reshape); with a symbolic batch
// dimension compile() cannot fold those chains, and each call would run them
// as a dozen tiny tfjs ops. Once a call's input shapes are known they are all
// constants: the first call with a new shape signature re-runs shape
// inference with those concrete input shapes and folds again, and later calls
// with the same signature reuse the result. Only shapes that inference proves
// from the input shapes fold: a shape that depends on data (NonZero, a
// Reshape fed by values) stays unknown and runs per call, as before.
import type { tf } from "./tf.js";
import type { Graph } from "../../graph/types.js";
import { inferShapesWithReport } from "../../graph/shape-inference/index.js";
import type { FoldedConstants } from "./constants.js";

/** The cache key: every input's dims, in graph input order. */
export function shapeSignature(graph: Graph, feeds: Record<string, { shape: readonly number[] }>): string {
  return graph.inputs.map((v) => feeds[v.name]?.shape.join(",") ?? "?").join(";");
}

/**
 * `graph` with the inputs' dims set to the fed ones and every other shape
 * inferred from them anew (declared value infos carry the symbolic dims this
 * replaces). Undefined when inference finds a problem: the caller keeps the
 * shape-generic folding then.
 */
export function withInputShapes(graph: Graph, feeds: Record<string, { shape: readonly number[] }>): Graph | undefined {
  const concrete: Graph = {
    ...graph,
    inputs: graph.inputs.map((v) => ({ ...v, shape: feeds[v.name]?.shape ?? v.shape })),
    outputs: graph.outputs.map(({ name, dtype }) => ({ name, dtype })),
    valueInfo: new Map(),
  };
  try {
    const report = inferShapesWithReport(concrete);
    return report.problems.length === 0 ? report.graph : undefined;
  } catch {
    return undefined;
  }
}

/** A few signatures' folds, oldest dropped first (its tensors disposed). */
export class FoldCache {
  private readonly entries = new Map<string, FoldedConstants>();
  /** `shared` (the shape-generic fold, owned by the caller) may be stored but is never disposed here. */
  constructor(
    private readonly capacity: number,
    private readonly shared: FoldedConstants,
  ) {}

  get(key: string): FoldedConstants | undefined {
    return this.entries.get(key);
  }

  set(key: string, folded: FoldedConstants): void {
    if (this.entries.size >= this.capacity) {
      const [oldest, dropped] = this.entries.entries().next().value as [string, FoldedConstants];
      if (dropped !== this.shared) disposeFolded(dropped);
      this.entries.delete(oldest);
    }
    this.entries.set(key, folded);
  }

  clear(): void {
    for (const f of this.entries.values()) if (f !== this.shared) disposeFolded(f);
    this.entries.clear();
  }
}

function disposeFolded(f: FoldedConstants): void {
  for (const t of f.tensors.values()) (t as tf.Tensor).dispose();
}
