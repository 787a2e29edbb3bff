// Upsample and Resize (run by runtime/tfjs/ops/resize.ts).
import { defineOp, versionsOf } from "./define.js";

const mode = { mode: { type: "string", default: "nearest" } } as const;
const resize11 = {
  coordinate_transformation_mode: { type: "string", default: "half_pixel" },
  cubic_coeff_a: { type: "float", default: -0.75 },
  exclude_outside: { type: "int", default: 0 },
  extrapolation_value: { type: "float", default: 0 },
  ...mode,
  nearest_mode: { type: "string", default: "round_prefer_floor" },
} as const;

export const Upsample = defineOp("Upsample", {
  7: { attributes: { ...mode, scales: { type: "floats", required: true } } },
  9: { attributes: mode },
});
export const Resize = defineOp("Resize", {
  10: { attributes: mode },
  11: { attributes: resize11 },
  18: {
    attributes: {
      ...resize11,
      antialias: { type: "int", default: 0 },
      axes: { type: "ints" },
      keep_aspect_ratio_policy: { type: "string", default: "stretch" },
    },
  },
});

export const resizeOps = versionsOf(Upsample, Resize);
