// Stores a quantized weight as ONNX: the integers, their scales and zero points
// as initializers and one DequantizeLinear node producing the float weight
// (axis for per-channel, axis + block_size for blocks: opset 21).
import type { GraphEdit } from "../../graph/edit.js";
import { makeTensor } from "../../graph/tensor.js";
import type { Attribute, Tensor } from "../../graph/types.js";
import type { Granularity, QuantizedTensor } from "./quantize-tensor.js";

/** The ai.onnx opset DequantizeLinear needs for this weight: 10 per tensor, 13 per axis, 21 blocked or 4-bit. */
export function opsetFor(q: Pick<QuantizedTensor, "granularity" | "type">): number {
  if (q.granularity.kind === "block" || q.type.bits === 4) return 21;
  return q.granularity.kind === "axis" ? 13 : 10;
}

/** Zero points in the weight's own integer type, shaped like the scales. */
export function zeroPointTensor(q: QuantizedTensor): Tensor {
  const { dtype } = q.type;
  const data = dtype === "int8" || dtype === "int4" ? Int8Array.from(q.zeroPoint) : Uint8Array.from(q.zeroPoint);
  return makeTensor(dtype, q.scaleDims, data as never);
}

/** Adds the initializers and the DequantizeLinear; returns the name of its float output. */
export function addDequantizedWeight(edit: GraphEdit, base: string, q: QuantizedTensor): string {
  const values = edit.addInitializer(`${base}_quantized`, makeTensor(q.type.dtype, q.dims, q.values as never));
  const scale = edit.addInitializer(`${base}_scale`, makeTensor("float32", q.scaleDims, q.scale));
  const zeroPoint = edit.addInitializer(`${base}_zero_point`, zeroPointTensor(q));
  const output = edit.freshName(`${base}_dequantized`);
  const attributes = granularityAttributes(q.granularity);
  edit.addNode({ name: edit.freshName(`${base}_DequantizeLinear`), opType: "DequantizeLinear", inputs: [values, scale, zeroPoint], outputs: [output], attributes });
  return output;
}

/** DequantizeLinear/QuantizeLinear attributes for a granularity. */
export function granularityAttributes(g: Granularity): Record<string, Attribute> {
  if (g.kind === "tensor") return {};
  const axis: Attribute = { type: "int", value: g.axis };
  return g.kind === "axis" ? { axis } : { axis, block_size: { type: "int", value: g.blockSize } };
}
