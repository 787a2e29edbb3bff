// Quantizing a graph twice would stack grids on grids and report nonsense, so
// every quantize step refuses a graph that already holds quantization ops.
import { GraphError } from "../../core/errors.js";
import type { Graph } from "../../graph/types.js";

/** Op types (any domain) that mark a graph as quantized. */
export const QUANTIZATION_OPS = new Set([
  "QuantizeLinear",
  "DequantizeLinear",
  "DynamicQuantizeLinear",
  "MatMulInteger",
  "ConvInteger",
  "QLinearConv",
  "QLinearMatMul",
  "QLinearAdd",
  "QLinearMul",
  "QGemm",
  "MatMulNBits",
  "DynamicQuantizeMatMul",
  "MatMulIntegerToFloat",
]);

export function quantizationNodes(graph: Graph): string[] {
  return graph.nodes.filter((n) => QUANTIZATION_OPS.has(n.opType)).map((n) => `"${n.name}" (${n.opType})`);
}

export function assertNotQuantized(graph: Graph, step: string): void {
  const found = quantizationNodes(graph);
  if (found.length === 0) return;
  const listed = found.length > 5 ? `${found.slice(0, 5).join(", ")} and ${found.length - 5} more` : found.join(", ");
  throw new GraphError(
    `${step}: graph "${graph.name}" is already quantized (${listed}); quantize the float model instead ` +
      `(the one before the earlier quantize step), or use quantize.qat / distill to train the quantized one`,
    { details: { nodes: found } },
  );
}
