// Shared argument handling for the shape-like ops (Reshape, Slice, Pad, Resize…):
// reading integer lists from inputs, normalising axes, turning graph constants
// and naming the node in every error.
import { tf } from "../tf.js";
import { ShapeError, UnsupportedOpError } from "../../../core/errors.js";
import type { OpContext } from "./types.js";

/** `Reshape "node_3"`: how errors name the node they come from. */
export function where(ctx: OpContext): string {
  return `${ctx.node.opType} "${ctx.node.name}"`;
}

export function shapeError(ctx: OpContext, message: string, details?: Record<string, unknown>): ShapeError {
  return new ShapeError(`${where(ctx)}: ${message}`, { node: ctx.node.name, op: ctx.node.opType, opset: ctx.opset, details });
}

/** An attribute value or input form the tfjs runtime does not implement. */
export function unsupportedFeature(ctx: OpContext, feature: string): UnsupportedOpError {
  const { opType, domain, name } = ctx.node;
  return new UnsupportedOpError(
    [{ op: opType, domain, opset: ctx.opset, nodes: [name] }],
    `${where(ctx)}: ${feature} is not implemented on the tfjs runtime`,
  );
}

/** Input `i`, or a ShapeError naming it when the graph left it out. */
export function required(inputs: readonly (tf.Tensor | undefined)[], i: number, ctx: OpContext, name: string): tf.Tensor {
  const t = inputs[i];
  if (t === undefined) throw shapeError(ctx, `input ${i} (${name}) is required but missing`);
  return t;
}

/**
 * Integer values of a shape-like input: the compile-time constant when the
 * compiler knows it (no device round trip), otherwise the tensor's data read
 * synchronously. undefined when the optional input is absent.
 */
export function intsOf(inputs: readonly (tf.Tensor | undefined)[], i: number, ctx: OpContext): number[] | undefined {
  const t = inputs[i];
  if (t === undefined) return undefined;
  const known = ctx.constantOf(i);
  const values = known ?? t.dataSync();
  return Array.from(values as ArrayLike<number>, (v) => Math.trunc(Number(v)));
}

/** Float values of an input (Resize scales, Dropout ratio), same sourcing as intsOf. */
export function floatsOf(inputs: readonly (tf.Tensor | undefined)[], i: number, ctx: OpContext): number[] | undefined {
  const t = inputs[i];
  if (t === undefined) return undefined;
  const known = ctx.constantOf(i);
  return Array.from((known ?? t.dataSync()) as ArrayLike<number>, Number);
}

/** ONNX axes may be negative (counted from the end); check and map to [0, rank). */
export function normalizeAxis(axis: number, rank: number, ctx: OpContext): number {
  if (axis < -rank || axis >= rank || (rank === 0 && axis !== 0)) {
    throw shapeError(ctx, `axis ${axis} is out of range for a tensor of rank ${rank} (must be in [${-rank}, ${rank - 1}])`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Maps an ONNX (NCHW…) axis to where it sits in a channels-last tensor of the same rank. */
export function channelsLastAxis(axis: number, rank: number): number {
  if (rank < 3) return axis;
  if (axis === 0) return 0;
  if (axis === 1) return rank - 1;
  return axis - 1;
}

/** Axis as seen by an "elementwise"-layout op: ONNX axis, remapped when data arrived channels-last. */
export function layoutAxis(axis: number, rank: number, ctx: OpContext): number {
  const a = normalizeAxis(axis, rank, ctx);
  return ctx.layout === "channelsLast" ? channelsLastAxis(a, rank) : a;
}
