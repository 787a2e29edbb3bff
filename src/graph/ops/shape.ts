// Shape ops, constants and Identity (run by runtime/tfjs/ops/shape.ts).
import { defineOp, versionsOf } from "./define.js";

export const Shape = defineOp("Shape", { 1: { attributes: { start: { type: "int", default: 0 }, end: { type: "int" } } } });
export const Size = defineOp("Size", { 1: {} });
export const Reshape = defineOp("Reshape", { 5: { attributes: { allowzero: { type: "int", default: 0 } } } });
export const Flatten = defineOp("Flatten", { 1: { attributes: { axis: { type: "int", default: 1 } } } });
// Axes are an attribute until opset 13, an input after.
export const Squeeze = defineOp("Squeeze", { 1: { attributes: { axes: { type: "ints" } } }, 13: {} });
export const Unsqueeze = defineOp("Unsqueeze", { 1: { attributes: { axes: { type: "ints", required: true } } }, 13: {} });
export const Expand = defineOp("Expand", { 8: {} });
export const Tile = defineOp("Tile", { 6: {} });
export const ConstantOfShape = defineOp("ConstantOfShape", { 9: { attributes: { value: { type: "tensor" } } } });
export const Constant = defineOp("Constant", {
  1: {
    attributes: {
      value: { type: "tensor" },
      value_float: { type: "float" },
      value_floats: { type: "floats" },
      value_int: { type: "int" },
      value_ints: { type: "ints" },
      value_string: { type: "string" },
      value_strings: { type: "strings" },
    },
  },
});
export const Range = defineOp("Range", { 11: {} });
export const Identity = defineOp("Identity", { 1: {} });

export const shapeOps = versionsOf(Shape, Size, Reshape, Flatten, Squeeze, Unsqueeze, Expand, Tile, ConstantOfShape, Constant, Range, Identity);
