// Multiply-accumulates per node, for the ops that do nearly all of a
// network's arithmetic. Quantized forms count like their float originals, so
// a model's MACs do not vanish when it is quantized.
import { attrInt, attrString } from "./attributes.js";
import type { Dim, Node } from "./types.js";

/** Ops whose MACs are counted; everything else (activations, norms, pools, adds) counts 0. */
export const MAC_OPS = [
  "Conv", "ConvTranspose", "Gemm", "MatMul", "LSTM", "GRU",
  "ConvInteger", "QLinearConv", "MatMulInteger", "QLinearMatMul",
] as const;

export type ShapeOf = (name: string) => readonly Dim[] | undefined;
export type SizeOf = (d: Dim | undefined) => number | undefined;

/** Where the data and weight operands sit: QLinear ops put scales and zero points in between. */
const OPERANDS: Readonly<Record<(typeof MAC_OPS)[number], readonly [number, number]>> = {
  Conv: [0, 1],
  ConvInteger: [0, 1],
  QLinearConv: [0, 3],
  ConvTranspose: [0, 1],
  Gemm: [0, 1],
  MatMul: [0, 1],
  MatMulInteger: [0, 1],
  QLinearMatMul: [0, 3],
  LSTM: [0, 1],
  GRU: [0, 1],
};

function product(values: readonly (number | undefined)[]): number | undefined {
  let n = 1;
  for (const v of values) {
    if (v === undefined) return undefined;
    n *= v;
  }
  return n;
}

function recurrentMacs(node: Node, x: readonly Dim[], size: SizeOf): number | undefined {
  // Per step and direction: gates × hidden × (input + hidden), the input and recurrent matmuls.
  if (x.length !== 3) return undefined;
  const gates = node.opType === "LSTM" ? 4 : 3;
  const hidden = attrInt(node, "hidden_size", 0) || undefined;
  const directions = attrString(node, "direction", "forward") === "bidirectional" ? 2 : 1;
  const [seqLen, batch] = attrInt(node, "layout", 0) === 1 ? [x[1], x[0]] : [x[0], x[1]];
  const inputSize = size(x[2]);
  const perStep = hidden === undefined || inputSize === undefined ? undefined : inputSize + hidden;
  return product([size(seqLen), size(batch), directions, gates, hidden, perStep]);
}

/** MACs of one node at the sizes `size` resolves; 0 for ops not in MAC_OPS; undefined when a size is unknown. */
export function nodeMacs(node: Node, shapeOf: ShapeOf, size: SizeOf): number | undefined {
  const operands = OPERANDS[node.opType as (typeof MAC_OPS)[number]];
  if (operands === undefined) return 0;
  const x = shapeOf(node.inputs[operands[0]] ?? "");
  const w = shapeOf(node.inputs[operands[1]] ?? "");
  const y = shapeOf(node.outputs[0]);
  switch (node.opType) {
    case "Conv":
    case "ConvInteger":
    case "QLinearConv":
      // Each output element: (Cin / group) × kernel multiply-adds, exactly what one output channel's weights hold.
      return y && w ? product([...y.map(size), ...w.slice(1).map(size)]) : undefined;
    case "ConvTranspose":
      // Each input element scatters into (Cout / group) × kernel outputs.
      return x && w ? product([...x.map(size), ...w.slice(1).map(size)]) : undefined;
    case "Gemm": {
      if (!y || !x) return undefined;
      return product([...y.map(size), size(attrInt(node, "transA", 0) ? x[0] : x[1])]);
    }
    case "LSTM":
    case "GRU":
      return x ? recurrentMacs(node, x, size) : undefined;
    default:
      // MatMul family: every output element is a dot product over x's last dim.
      return y && x && x.length > 0 ? product([...y.map(size), size(x[x.length - 1])]) : undefined;
  }
}
