// QuantizeLinear, DequantizeLinear (opsets 10, 13 per axis, 19, 21 blocked)
// and DynamicQuantizeLinear (11): the QDQ format's ops. Integers travel as
// float32 tensors (see quant-grid.ts); training differentiates through a
// Q→DQ pair with the straight-through estimator, so a QDQ graph trains as a
// fake-quantized one (quantize.qat). They keep whatever layout their input
// arrives in: a per-channel scale is laid along the channel axis where it is.
import { tf } from "../tf.js";
import { required, unsupportedFeature } from "./args.js";
import { broadcastParam, dequantize, outputRange, quantize, rangeOf, type ParamLayout } from "./quant-grid.js";
import { DequantizeLinear, DynamicQuantizeLinear, QuantizeLinear } from "../../../graph/ops/quantization.js";
import { implement, type Attrs, type OpContext, type OpEntry } from "./types.js";

function paramLayout(attrs: Attrs, ctx: OpContext): ParamLayout {
  return { axis: (attrs.axis as number | undefined) ?? 1, blockSize: (attrs.block_size as number | undefined) ?? 0, channelsLast: ctx.layout === "channelsLast" };
}

function checkSaturate(attrs: Attrs, ctx: OpContext): void {
  // saturate only changes float8 outputs, which the tfjs runtime does not produce.
  if (attrs.saturate !== undefined && attrs.saturate !== 1) throw unsupportedFeature(ctx, `saturate ${String(attrs.saturate)} (float8 types)`);
}

function runQuantize(inputs: readonly (tf.Tensor | undefined)[], attrs: Attrs, ctx: OpContext): tf.Tensor[] {
  checkSaturate(attrs, ctx);
  const x = required(inputs, 0, ctx, "x");
  const scale = required(inputs, 1, ctx, "y_scale");
  const zeroPoint = inputs[2];
  const range = outputRange(ctx, 2, zeroPoint !== undefined, (attrs.output_dtype as number | undefined) ?? 0);
  const layout = paramLayout(attrs, ctx);
  return [
    tf.tidy(() => {
      const s = broadcastParam(scale, x, layout, ctx, "y_scale");
      const zp = zeroPoint ? broadcastParam(zeroPoint, x, layout, ctx, "y_zero_point") : 0;
      return quantize(x, s, zp, range, ctx.training);
    }),
  ];
}

function runDequantize(inputs: readonly (tf.Tensor | undefined)[], attrs: Attrs, ctx: OpContext): tf.Tensor[] {
  const x = required(inputs, 0, ctx, "x");
  const scale = required(inputs, 1, ctx, "x_scale");
  const zeroPoint = inputs[2];
  const layout = paramLayout(attrs, ctx);
  return [
    tf.tidy(() => {
      const s = broadcastParam(scale, x, layout, ctx, "x_scale");
      const zp = zeroPoint ? broadcastParam(zeroPoint, x, layout, ctx, "x_zero_point") : 0;
      return dequantize(x, s, zp);
    }),
  ];
}

const quantize_ = { layout: "keepsLayout", run: runQuantize } as const;
const dequantize_ = { layout: "keepsLayout", run: runDequantize } as const;

/**
 * DynamicQuantizeLinear: uint8 with the range [min(0, min x), max(0, max x)]
 * mapped onto [0, 255]; scale and zero point are outputs.
 */
const dynamicQuantizeLinear = implement(DynamicQuantizeLinear[11], {
  layout: "elementwise",
  run(inputs, _attrs, ctx) {
    const x = required(inputs, 0, ctx, "x");
    const range = rangeOf("uint8", ctx);
    return tf.tidy(() => {
      const lo = tf.minimum(tf.min(x), 0);
      const hi = tf.maximum(tf.max(x), 0);
      const span = tf.sub(hi, lo);
      // An all-zero input has no span: ONNX's formula divides by zero there; any scale quantizes 0 exactly.
      const scale = tf.where(tf.greater(span, 0), tf.div(span, range.max), tf.onesLike(span));
      const zeroPoint = tf.clipByValue(tf.round(tf.div(tf.neg(lo), scale)), range.min, range.max);
      return [quantize(x, scale, zeroPoint, range, false), scale, zeroPoint];
    });
  },
});

export const QUANTIZE_LINEAR_OPS: readonly OpEntry[] = [
  implement(QuantizeLinear[10], quantize_),
  implement(QuantizeLinear[13], quantize_),
  implement(QuantizeLinear[19], quantize_),
  implement(QuantizeLinear[21], quantize_),
  implement(DequantizeLinear[10], dequantize_),
  implement(DequantizeLinear[13], dequantize_),
  implement(DequantizeLinear[19], dequantize_),
  implement(DequantizeLinear[21], dequantize_),
  dynamicQuantizeLinear,
];
