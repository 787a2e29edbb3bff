// Conv and ConvTranspose (run by runtime/tfjs/ops/conv.ts).
import { defineOp, versionsOf } from "./define.js";

const convAttributes = {
  auto_pad: { type: "string", default: "NOTSET" },
  dilations: { type: "ints" },
  group: { type: "int", default: 1 },
  kernel_shape: { type: "ints" },
  pads: { type: "ints" },
  strides: { type: "ints" },
} as const;

export const Conv = defineOp("Conv", { 1: { attributes: convAttributes } });
export const ConvTranspose = defineOp("ConvTranspose", {
  1: { attributes: { ...convAttributes, output_padding: { type: "ints" }, output_shape: { type: "ints" } } },
});

export const convOps = versionsOf(Conv, ConvTranspose);
