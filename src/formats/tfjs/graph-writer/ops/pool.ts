// Pools. TF.js pools channels-last and knows only SAME and VALID padding, so
// ONNX's explicit pads become a Pad first (−∞ for max, 0 for average) unless
// they are exactly what SAME would do; average pools that exclude the padding
// divide by a pooled mask of ones. ceil_mode pads the end so the last partial
// window counts. Global pools are a Mean/Max over the spatial axes.
import { attrInt, attrInts, attrString } from "../../../../graph/attributes.js";
import { TF_ATTR } from "../../tf-attrs.js";
import { T, staticDims } from "./helpers.js";
import { channelsFirst, channelsLast } from "./layout.js";
import type { ExportContext, ExportOp } from "./types.js";

const LOWEST = -3.4028234663852886e38;

interface Window {
  kernel: number[];
  strides: number[];
  /** [top, bottom, left, right] */
  pads: number[];
  /** Extra end padding ceil_mode needs: [bottom, right]. */
  ceilExtra: number[];
  same: boolean;
}

function windowOf(c: ExportContext): Window {
  const kernel = [...attrInts(c.node, "kernel_shape")];
  if (kernel.length !== 2) c.fail(`${kernel.length}-D pooling (only 2-D is exported)`);
  if (attrInts(c.node, "dilations", [1, 1]).some((d) => d !== 1)) c.fail("dilated pooling has no TF.js op");
  const strides = [...attrInts(c.node, "strides", [1, 1])];
  const autoPad = attrString(c.node, "auto_pad", "NOTSET");
  const dims = c.shape(0)?.slice(2);
  const known = dims && dims.every((d): d is number => typeof d === "number") ? (dims as number[]) : undefined;
  if (autoPad === "SAME_UPPER") return { kernel, strides, pads: [0, 0, 0, 0], ceilExtra: [0, 0], same: true };
  if (autoPad === "VALID") return { kernel, strides, pads: [0, 0, 0, 0], ceilExtra: [0, 0], same: false };
  let pads = [...attrInts(c.node, "pads", [0, 0, 0, 0])];
  if (autoPad === "SAME_LOWER") {
    const size = staticDims(c, 0, "auto_pad SAME_LOWER").slice(2);
    pads = [0, 0, 0, 0];
    size.forEach((s, i) => {
      const total = Math.max(0, (Math.ceil(s / strides[i]!) - 1) * strides[i]! + kernel[i]! - s);
      pads[i] = Math.ceil(total / 2);
      pads[i + 2] = Math.floor(total / 2);
    });
  }
  const ordered = [pads[0]!, pads[2]!, pads[1]!, pads[3]!];
  const ceilExtra = [0, 0];
  if (attrInt(c.node, "ceil_mode", 0) === 1) {
    if (!known) c.fail("ceil_mode needs the spatial size to be known");
    known!.forEach((s, i) => {
      const padded = s + ordered[2 * i]! + ordered[2 * i + 1]!;
      let out = Math.ceil((padded - kernel[i]!) / strides[i]!) + 1;
      // The last window must start inside the input or its left padding (ONNX / PyTorch rule).
      if ((out - 1) * strides[i]! >= s + ordered[2 * i]!) out--;
      ceilExtra[i] = Math.max(0, (out - 1) * strides[i]! + kernel[i]! - padded);
    });
  }
  // Pads identical to SAME's, for the known size: TF's SAME already ignores them.
  const same =
    known !== undefined &&
    ceilExtra.every((e) => e === 0) &&
    known.every((s, i) => {
      const total = Math.max(0, (Math.ceil(s / strides[i]!) - 1) * strides[i]! + kernel[i]! - s);
      return ordered[2 * i] === Math.floor(total / 2) && ordered[2 * i + 1] === total - Math.floor(total / 2) && Math.ceil(s / strides[i]!) === Math.floor((s + total - kernel[i]!) / strides[i]!) + 1;
    }) &&
    ordered.some((p) => p > 0);
  return { kernel, strides, pads: ordered, ceilExtra, same };
}

function padNhwc(c: ExportContext, x: string, before: number[], after: number[], value: number, part: string): string {
  const paddings = c.b.ints(c.part(`${part}/paddings`), [0, 0, before[0]!, after[0]!, before[1]!, after[1]!, 0, 0], [4, 2]);
  return c.b.op("PadV2", [x, paddings, c.b.float(c.part(`${part}/value`), value)], T("float32"), c.part(part));
}

function pool(kind: "MaxPool" | "AvgPool"): (c: ExportContext) => string[] {
  return (c) => {
    if (c.rank(0) !== 4) c.fail("only 2-D pooling (4-D input) is exported");
    if (kind === "MaxPool" && c.node.outputs.length > 1 && c.node.outputs[1] !== "") c.fail("MaxPool's Indices output has no TF.js graph-model equivalent");
    const w = windowOf(c);
    const includePad = attrInt(c.node, "count_include_pad", 0) === 1;
    // TF's SAME average excludes the padding: the same as ONNX only without count_include_pad.
    if (kind === "AvgPool" && includePad) w.same = false;
    const attrs = (padding: string) => ({ ksize: TF_ATTR.ints([1, ...w.kernel, 1]), strides: TF_ATTR.ints([1, ...w.strides, 1]), padding: TF_ATTR.s(padding), data_format: TF_ATTR.s("NHWC"), ...T("float32") });
    let x = channelsLast(c, c.input(0), 4);
    const padded = !w.same && (w.pads.some((p) => p > 0) || w.ceilExtra.some((e) => e > 0));
    if (!padded) return [c.b.op("Identity", [channelsFirst(c, c.b.op(kind, [x], attrs(w.same ? "SAME" : "VALID"), c.part("pool")), 4)], T("float32"), c.node.name)];
    const before = [w.pads[0]!, w.pads[2]!];
    const after = [w.pads[1]! + w.ceilExtra[0]!, w.pads[3]! + w.ceilExtra[1]!];
    if (kind === "MaxPool") {
      x = padNhwc(c, x, before, after, LOWEST, "pad");
      return [c.b.op("Identity", [channelsFirst(c, c.b.op("MaxPool", [x], attrs("VALID"), c.part("pool")), 4)], T("float32"), c.node.name)];
    }
    // Average = pooled sum of padded values / pooled count of the cells that count.
    const sum = c.b.op("AvgPool", [padNhwc(c, x, before, after, 0, "pad")], attrs("VALID"), c.part("pool"));
    let mask = c.b.op("OnesLike", [x], T("float32"), c.part("ones"));
    mask = padNhwc(c, mask, before, [w.pads[1]!, w.pads[3]!], includePad ? 1 : 0, "mask_pad");
    if (w.ceilExtra.some((e) => e > 0)) mask = padNhwc(c, mask, [0, 0], w.ceilExtra, 0, "mask_ceil");
    const count = c.b.op("AvgPool", [mask], attrs("VALID"), c.part("count"));
    return [c.b.op("Identity", [channelsFirst(c, c.b.op("RealDiv", [sum, count], T("float32"), c.part("average")), 4)], T("float32"), c.node.name)];
  };
}

function globalPool(tfOp: "Mean" | "Max"): (c: ExportContext) => string[] {
  return (c) => {
    const axes = Array.from({ length: c.rank(0) - 2 }, (_, i) => i + 2);
    return [c.b.op(tfOp, [c.input(0), c.b.ints(c.part("axes"), axes)], { keep_dims: TF_ATTR.b(true), ...T("float32") }, c.node.name)];
  };
}

export const POOL_OPS: readonly ExportOp[] = [
  { opType: "MaxPool", since: 1, convert: pool("MaxPool") },
  { opType: "AveragePool", since: 1, convert: pool("AvgPool") },
  { opType: "GlobalAveragePool", since: 1, convert: globalPool("Mean") },
  { opType: "GlobalMaxPool", since: 1, convert: globalPool("Max") },
];
