// Channels-last (Keras's default) ↔ channels-first (ONNX's convolutions).
import type { LayerContext } from "./types.js";

export const channelsFirst = (c: LayerContext, x: string, rank: number) => c.onnx("Transpose", [x], { perm: [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)] }, "to_channels_first")[0]!;
export const channelsLast = (c: LayerContext, x: string, rank: number, suffix?: string) => c.onnx("Transpose", [x], { perm: [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1] }, suffix)[0]!;

/** Whether the layer runs channels-last (the Keras default). */
export const isChannelsLast = (c: LayerContext) => c.str("data_format", "channels_last") !== "channels_first";

/** A Keras int-or-list spatial parameter as `n` values. */
export function spatialList(c: LayerContext, key: string, n: number, fallback: number): number[] {
  const v = c.config[key];
  if (v === undefined || v === null) return new Array<number>(n).fill(fallback);
  if (typeof v === "number") return new Array<number>(n).fill(v);
  if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === "number")) return v as number[];
  return c.fail(`${key} must be a number or ${n} numbers, got ${JSON.stringify(v)}`);
}
