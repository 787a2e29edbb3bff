// Pad: pads as an attribute before opset 11, as an input from 11, axes from
// 18, "wrap" from 19. Constant mode is tf.pad; reflect, edge and wrap gather
// the source index of every output position, which works for any rank, any
// pad width and keeps a gradient (reflect within one period runs tf.mirrorPad with the gathers' gradient).
// Negative pads crop first.
import { tf } from "../tf.js";
import { channelsLastAxis, floatsOf, intsOf, normalizeAxis, required, shapeError, unsupportedFeature } from "./args.js";
import { withReferenceGradient } from "./reference-gradient.js";
import { sliceRows } from "./slice-rows.js";
import { Pad } from "../../../graph/ops/pad.js";
import { implement, type OpContext, type OpEntry } from "./types.js";

const MODES = ["constant", "reflect", "edge", "wrap"] as const;
type Mode = (typeof MODES)[number];

/** Source index along an axis of size `dim` for padded position `i` (may be < 0 or ≥ dim). */
const SOURCE: Readonly<Record<Exclude<Mode, "constant">, (i: number, dim: number) => number>> = Object.freeze({
  edge: (i, dim) => Math.min(dim - 1, Math.max(0, i)),
  reflect: (i, dim) => {
    if (dim === 1) return 0;
    const period = 2 * (dim - 1);
    const r = ((i % period) + period) % period;
    return r < dim ? r : period - r;
  },
  wrap: (i, dim) => ((i % dim) + dim) % dim,
});

function pad(x: tf.Tensor, pads: readonly number[], axesIn: readonly number[] | undefined, mode: string, value: number, ctx: OpContext): tf.Tensor {
  if (!(MODES as readonly string[]).includes(mode)) throw unsupportedFeature(ctx, `mode "${mode}"`);
  const axes = (axesIn ?? x.shape.map((_, i) => i)).map((a) => normalizeAxis(a, x.rank, ctx));
  if (pads.length !== 2 * axes.length) {
    throw shapeError(ctx, `pads has ${pads.length} values, expected ${2 * axes.length} (begin and end for each of ${axes.length} axes)`);
  }
  const before = x.shape.map(() => 0);
  const after = x.shape.map(() => 0);
  // A channels-last input (ctx.layout) is padded in place: ONNX axes map onto its axes.
  const held = (axis: number) => (ctx.layout === "channelsLast" && x.rank >= 3 ? channelsLastAxis(axis, x.rank) : axis);
  axes.forEach((axis, k) => {
    before[held(axis)] = pads[k] as number;
    after[held(axis)] = pads[k + axes.length] as number;
  });
  return tf.tidy(() => {
    // Crop negative pads away, then pad by the non-negative rest.
    const begin = before.map((b) => Math.max(0, -b));
    const size = x.shape.map((d, i) => d - (begin[i] as number) - Math.max(0, -(after[i] as number)));
    if (size.some((s) => s < 0)) throw shapeError(ctx, `negative pads [${pads.join(", ")}] crop more than [${x.shape.join(", ")}] holds`);
    // Crop (a no-op crop copies nothing, see slice-rows.ts), then pad unless there is nothing to pad.
    const out = sliceRows(x, begin, size);
    const widths = x.shape.map((_, i) => [Math.max(0, before[i] as number), Math.max(0, after[i] as number)] as [number, number]);
    if (widths.every(([b, e]) => b === 0 && e === 0)) return out;
    if (mode === "constant") return tf.pad(out, widths, value);
    // tfjs's own kernel is one pass; the gathers below cost one slow wasm gather per axis.
    // Its reflect needs every width below the axis size (ONNX's reflect wraps further).
    if (mode === "reflect" && out.rank <= 4 && widths.every(([b, e], i) => b < (out.shape[i] as number) && e < (out.shape[i] as number))) {
      return withReferenceGradient(out, (t) => tf.mirrorPad(t, widths, "reflect"), (t) => gatherPad(t, widths, mode as Exclude<Mode, "constant">, ctx));
    }
    return gatherPad(out, widths, mode as Exclude<Mode, "constant">, ctx);
  });
}

/** Padding by gathering each padded position's source index, one axis at a time. */
function gatherPad(x: tf.Tensor, widths: readonly [number, number][], mode: Exclude<Mode, "constant">, ctx: OpContext): tf.Tensor {
  let out = x;
  widths.forEach(([b, e], axis) => {
    if (b === 0 && e === 0) return;
    const dim = out.shape[axis] as number;
    if (dim === 0) throw shapeError(ctx, `mode "${mode}" cannot pad axis ${axis} of size 0`);
    const source = SOURCE[mode];
    const indices = Array.from({ length: dim + b + e }, (_, i) => source(i - b, dim));
    out = tf.gather(out, tf.tensor1d(indices, "int32"), axis);
  });
  return out;
}

const pad2 = implement(Pad[2], {
  layout: "keepsLayout",
  run: (inputs, attrs, ctx) =>
    [pad(required(inputs, 0, ctx, "data"), attrs.pads, undefined, attrs.mode, attrs.value, ctx)],
});

const pad11 = implement(Pad[11], {
  layout: "keepsLayout",
  run(inputs, attrs, ctx) {
    const x = required(inputs, 0, ctx, "data");
    const pads = intsOf(inputs, 1, ctx);
    if (pads === undefined) throw shapeError(ctx, "input 1 (pads) is required but missing");
    const value = floatsOf(inputs, 2, ctx)?.[0] ?? 0;
    return [pad(x, pads, intsOf(inputs, 3, ctx), attrs.mode, value, ctx)];
  },
});

export const PAD_OPS: readonly OpEntry[] = [pad2, pad11];
