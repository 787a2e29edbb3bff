// MaxPool and AvgPool (SAME or VALID): NCHW around ONNX's pools. TF's SAME
// average excludes the padding, as ONNX's count_include_pad = 0 does.
import { attrInts, attrString } from "../../tf-attrs.js";
import { spatial, toNchw, toNhwc } from "./layout.js";
import type { ImportContext, ImportOp } from "./types.js";

function pool(onnxOp: "MaxPool" | "AveragePool"): (c: ImportContext) => { outputs: string[] } {
  return (c) => {
    const nchw = attrString(c.attrs, "data_format") === "NCHW";
    const padding = attrString(c.attrs, "padding") ?? "VALID";
    if (padding !== "SAME" && padding !== "VALID") c.fail(`pool padding "${padding}"`);
    const x = nchw ? c.input(0) : toNchw(c, c.input(0));
    const y = c.onnx(onnxOp, [x], { kernel_shape: spatial(attrInts(c.attrs, "ksize"), nchw), strides: spatial(attrInts(c.attrs, "strides"), nchw), auto_pad: padding === "SAME" ? "SAME_UPPER" : "VALID" }, "pool")[0]!;
    return { outputs: c.onnx("Identity", [nchw ? y : toNhwc(c, y, 4, "to_nhwc")]) };
  };
}

export const POOL_OPS: readonly ImportOp[] = [
  { tfOps: ["MaxPool"], convert: pool("MaxPool") },
  { tfOps: ["AvgPool"], convert: pool("AveragePool") },
];
