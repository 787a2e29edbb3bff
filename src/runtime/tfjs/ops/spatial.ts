// Shared geometry for the channels-last spatial ops (conv.ts, pool.ts):
// reading kernel/stride/dilation/pad attributes for 1-D and 2-D inputs and
// resolving auto_pad. 1-D ops run as 2-D ones with a height of 1.
import { tf } from "../tf.js";
import { shapeError, unsupportedFeature } from "./args.js";
import type { OpContext } from "./types.js";

/** The window attributes Conv and the pools declare (not every version has all). */
export interface WindowAttrs {
  readonly auto_pad?: string;
  readonly strides?: readonly number[];
  readonly dilations?: readonly number[];
  readonly pads?: readonly number[];
}

export interface Geometry2d {
  readonly kernel: [number, number];
  readonly strides: [number, number];
  readonly dilations: [number, number];
  /** [top, bottom, left, right]. */
  readonly pads: [number, number, number, number];
}

/** x (N, spatial…, C) as a 4-D NHWC tensor; `squeeze` undoes it on the result. */
export function as2d(x: tf.Tensor, ctx: OpContext): { x4: tf.Tensor4D; squeeze: (y: tf.Tensor) => tf.Tensor } {
  if (x.rank === 4) return { x4: x as tf.Tensor4D, squeeze: (y) => y };
  if (x.rank === 3) return { x4: tf.expandDims(x, 1) as tf.Tensor4D, squeeze: (y) => tf.squeeze(y, [1]) };
  throw unsupportedFeature(ctx, `a ${x.rank - 2}-D input (only 1-D and 2-D spatial inputs are implemented)`);
}

/** An attribute list for `spatialRank` dims, widened to 2-D (height 1 for 1-D). */
function pair(values: readonly number[] | undefined, spatialRank: number, fallback: number, name: string, ctx: OpContext): [number, number] {
  const v = values ?? Array<number>(spatialRank).fill(fallback);
  if (v.length !== spatialRank) throw shapeError(ctx, `attribute ${name} has ${v.length} values for ${spatialRank} spatial dims`);
  return spatialRank === 1 ? [1, v[0]!] : [v[0]!, v[1]!];
}

/**
 * Kernel, strides, dilations and explicit pads for an input of spatial size
 * `inHW` (already 2-D). `kernel` comes from the weights for Conv, from
 * kernel_shape for pools.
 */
export function geometry(attrs: WindowAttrs, spatialRank: number, inHW: [number, number], kernel: [number, number], ctx: OpContext): Geometry2d {
  const strides = pair(attrs.strides, spatialRank, 1, "strides", ctx);
  const dilations = pair(attrs.dilations, spatialRank, 1, "dilations", ctx);
  const autoPad = attrs.auto_pad ?? "NOTSET";
  let pads: [number, number, number, number];
  if (autoPad === "NOTSET") {
    const p = attrs.pads ?? Array<number>(2 * spatialRank).fill(0);
    if (p.length !== 2 * spatialRank) throw shapeError(ctx, `attribute pads has ${p.length} values for ${spatialRank} spatial dims (needs ${2 * spatialRank})`);
    pads = spatialRank === 1 ? [0, 0, p[0]!, p[1]!] : [p[0]!, p[2]!, p[1]!, p[3]!];
  } else if (autoPad === "VALID") {
    pads = [0, 0, 0, 0];
  } else if (autoPad === "SAME_UPPER") {
    pads = samePads(inHW, kernel, strides, dilations);
  } else if (autoPad === "SAME_LOWER") {
    const [t, b, l, r] = samePads(inHW, kernel, strides, dilations);
    pads = [b, t, r, l];
  } else {
    throw shapeError(ctx, `auto_pad must be one of [NOTSET, SAME_UPPER, SAME_LOWER, VALID], got "${autoPad}"`);
  }
  return { kernel, strides, dilations, pads };
}

/** SAME_UPPER pads [top, bottom, left, right]: output = ceil(input / stride), the odd cell at the end (also tfjs's "same"). */
export function samePads(inHW: readonly [number, number], kernel: readonly [number, number], strides: readonly [number, number], dilations: readonly [number, number]): [number, number, number, number] {
  const split = (i: 0 | 1): [number, number] => {
    const out = Math.ceil(inHW[i] / strides[i]);
    const total = Math.max(0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - inHW[i]);
    const small = Math.floor(total / 2);
    return [small, total - small];
  };
  return [...split(0), ...split(1)];
}

/** tfjs's explicit NHWC padding, or "valid" when there is none. */
export function tfPad(pads: readonly [number, number, number, number]): "valid" | [[number, number], [number, number], [number, number], [number, number]] {
  if (pads.every((p) => p === 0)) return "valid";
  return [
    [0, 0],
    [pads[0], pads[1]],
    [pads[2], pads[3]],
    [0, 0],
  ];
}
