// Output sizes of sliding windows (Conv, ConvTranspose, pools): strides,
// dilations, explicit pads or auto_pad, ceil_mode, output_padding.
import { attrInt, attrInts, attrString } from "../attributes.js";
import type { Dim, Node } from "../types.js";

export interface WindowGeometry {
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** [begin…, end…] as ONNX lays them out. */
  readonly pads: readonly number[];
  readonly autoPad: string;
}

/** Reads a window op's attributes for `spatial` dims; kernel comes from the attribute or the weight. */
export function windowGeometry(node: Node, spatial: number, kernelFromWeight?: readonly Dim[]): WindowGeometry | undefined {
  const kernelAttr = attrInts(node, "kernel_shape", []);
  const kernel = kernelAttr.length > 0 ? kernelAttr : kernelFromWeight;
  if (kernel === undefined || kernel.length !== spatial || !kernel.every((k) => typeof k === "number")) return undefined;
  return {
    kernel: kernel as number[],
    strides: attrInts(node, "strides", new Array(spatial).fill(1)),
    dilations: attrInts(node, "dilations", new Array(spatial).fill(1)),
    pads: attrInts(node, "pads", new Array(spatial * 2).fill(0)),
    autoPad: attrString(node, "auto_pad", "NOTSET"),
  };
}

/** Spatial output size of a forward window (Conv, pools) along axis i. */
export function windowOutput(size: Dim, g: WindowGeometry, i: number, ceilMode = false): Dim {
  const spatial = g.kernel.length;
  const stride = g.strides[i];
  const extent = g.dilations[i] * (g.kernel[i] - 1) + 1;
  const padTotal = g.pads[i] + g.pads[i + spatial];
  if (typeof size !== "number") {
    // A symbolic size stays itself only when the window cannot change it.
    const identity = stride === 1 && (g.autoPad.startsWith("SAME") || extent - 1 === padTotal);
    return identity ? size : null;
  }
  if (g.autoPad === "SAME_UPPER" || g.autoPad === "SAME_LOWER") return Math.ceil(size / stride);
  if (g.autoPad === "VALID") return Math.floor((size - extent) / stride) + 1;
  const span = size + padTotal - extent;
  if (!ceilMode) return Math.floor(span / stride) + 1;
  let out = Math.ceil(span / stride) + 1;
  // The last window must start inside the input or its left padding (PyTorch, onnxruntime).
  if ((out - 1) * stride >= size + g.pads[i]) out -= 1;
  return out;
}

/** Spatial output size of ConvTranspose along axis i (without output_shape). */
export function transposedOutput(size: Dim, g: WindowGeometry, i: number, outputPadding: number): Dim {
  const spatial = g.kernel.length;
  const stride = g.strides[i];
  if (g.autoPad === "SAME_UPPER" || g.autoPad === "SAME_LOWER") return typeof size === "number" ? size * stride : stride === 1 ? size : null;
  if (typeof size !== "number") return null;
  const extent = g.dilations[i] * (g.kernel[i] - 1) + 1;
  const pads = g.autoPad === "VALID" ? 0 : g.pads[i] + g.pads[i + spatial];
  return stride * (size - 1) + outputPadding + extent - pads;
}

export function groupOf(node: Node): number {
  return attrInt(node, "group", 1);
}
