// Per-input-shape constant folding. ONNX exports compute shapes at run time
// (Shape → Gather → Unsqueeze → Concat → Reshape); with a symbolic batch
// dimension compile() cannot fold those chains, and each call would run them
// as a dozen tiny tfjs ops. Once a call's input shapes are known they are all
// constants: the first call with a new shape signature re-runs shape
// inference with those concrete input shapes and folds again, and later calls
// with the same signature reuse the result (fold-cache.ts keeps them). Only
// shapes that inference proves from the input shapes fold: a shape that
// depends on data (NonZero, a Reshape fed by values) stays unknown and runs
// per call, as before.
import type { Graph } from "../../graph/types.js";
import { inferShapesWithReport } from "../../graph/shape-inference/index.js";

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
