// The integer matrix ops of the ONNX standard, as dequantized math on the
// float kernels: MatMulInteger and ConvInteger (int32 results, computed in
// float32: exact while |sums| stay below 2^24) and QLinearMatMul and
// QLinearConv (dequantize, compute, requantize). onnxruntime runs these on
// integer kernels; the results agree to its rounding of the requantization.
import { tf } from "../tf.js";
import { conv, convFilterLayout } from "./conv.js";
import { required, shapeError } from "./args.js";
import { matmulNd } from "./matmul.js";
import { asFloat, broadcastParam, dequantize, outputRange, quantize, scalarParam } from "./quant-grid.js";
import { ConvInteger, MatMulInteger, QLinearConv, QLinearMatMul } from "../../../graph/ops/quantization.js";
import { implement, type OpContext, type OpEntry } from "./types.js";

const onnxLayout = (axis: number) => ({ axis, blockSize: 0, channelsLast: false });

/** A: (M, K) zero point scalar or one per row (axis -2); B: scalar or one per column (axis -1). */
function matmulOperand(x: tf.Tensor, zeroPoint: tf.Tensor | undefined, scale: tf.Tensor | undefined, side: "a" | "b", ctx: OpContext): tf.Tensor {
  const axis = side === "a" ? Math.max(0, x.rank - 2) : x.rank - 1;
  const zp = zeroPoint ? broadcastParam(zeroPoint, x, onnxLayout(axis), ctx, `${side}_zero_point`) : 0;
  const s = scale ? broadcastParam(scale, x, onnxLayout(axis), ctx, `${side}_scale`) : tf.scalar(1);
  return dequantize(x, s, zp);
}

const matMulInteger = implement(MatMulInteger[10], {
  run(inputs, _attrs, ctx) {
    const a = required(inputs, 0, ctx, "A");
    const b = required(inputs, 1, ctx, "B");
    return [tf.tidy(() => tf.round(matmulNd(matmulOperand(a, inputs[2], undefined, "a", ctx), matmulOperand(b, inputs[3], undefined, "b", ctx))))];
  },
});

const qlinearMatMul = {
  run(inputs: readonly (tf.Tensor | undefined)[], _attrs: unknown, ctx: OpContext): tf.Tensor[] {
    const a = required(inputs, 0, ctx, "a");
    const b = required(inputs, 3, ctx, "b");
    const yScale = required(inputs, 6, ctx, "y_scale");
    const range = outputRange(ctx, 7, inputs[7] !== undefined);
    return [
      tf.tidy(() => {
        const y = matmulNd(matmulOperand(a, inputs[2], required(inputs, 1, ctx, "a_scale"), "a", ctx), matmulOperand(b, inputs[5], required(inputs, 4, ctx, "b_scale"), "b", ctx));
        return quantize(y, scalarParam(yScale, ctx, "y_scale"), inputs[7] ? scalarParam(inputs[7], ctx, "y_zero_point") : 0, range, false);
      }),
    ];
  },
} as const;

/** Conv on dequantized operands: x arrives channels-last (N, H, W, C); w in ONNX's (O, I, kH, kW), its parameters along O. */
function dequantizedConv(x: tf.Tensor, w: tf.Tensor, bias: tf.Tensor | undefined, attrs: Parameters<typeof conv.run>[1], ctx: OpContext): tf.Tensor {
  const filter = convFilterLayout.toBackend(w, attrs);
  return conv.run([x, filter, bias], attrs, ctx)[0]!;
}

const convInteger = implement(ConvInteger[10], {
  layout: "channelsLast",
  run(inputs, attrs, ctx) {
    const x = required(inputs, 0, ctx, "x");
    const w = required(inputs, 1, ctx, "w");
    return [
      tf.tidy(() => {
        const xf = inputs[2] ? tf.sub(asFloat(x), scalarParam(inputs[2], ctx, "x_zero_point")) : asFloat(x);
        const wf = inputs[3] ? tf.sub(asFloat(w), broadcastParam(inputs[3], w, onnxLayout(0), ctx, "w_zero_point")) : asFloat(w);
        return tf.round(dequantizedConv(xf, wf, undefined, attrs, ctx));
      }),
    ];
  },
});

const qlinearConv = implement(QLinearConv[10], {
  layout: "channelsLast",
  run(inputs, attrs, ctx) {
    const x = required(inputs, 0, ctx, "x");
    const w = required(inputs, 3, ctx, "w");
    const range = outputRange(ctx, 7, inputs[7] !== undefined);
    return [
      tf.tidy(() => {
        const xScale = scalarParam(required(inputs, 1, ctx, "x_scale"), ctx, "x_scale");
        const xf = dequantize(x, xScale, inputs[2] ? scalarParam(inputs[2], ctx, "x_zero_point") : 0);
        const wScale = broadcastParam(required(inputs, 4, ctx, "w_scale"), w, onnxLayout(0), ctx, "w_scale");
        const wf = dequantize(w, wScale, inputs[5] ? broadcastParam(inputs[5], w, onnxLayout(0), ctx, "w_zero_point") : 0);
        const b = inputs[8];
        if (b && b.rank !== 1) throw shapeError(ctx, `B must be 1-D (one int32 per output channel), got [${b.shape.join(", ")}]`);
        // The int32 bias is on the grid x_scale · w_scale[o].
        const bias = b ? tf.mul(asFloat(b), tf.mul(xScale, tf.reshape(wScale, [-1]))) : undefined;
        const y = dequantizedConv(xf, wf, bias, attrs, ctx);
        return quantize(y, scalarParam(required(inputs, 6, ctx, "y_scale"), ctx, "y_scale"), inputs[7] ? scalarParam(inputs[7], ctx, "y_zero_point") : 0, range, false);
      }),
    ];
  },
});

export const INTEGER_LINEAR_ALGEBRA_OPS: readonly OpEntry[] = [
  matMulInteger,
  convInteger,
  implement(QLinearMatMul[10], qlinearMatMul),
  implement(QLinearMatMul[21], qlinearMatMul),
  qlinearConv,
];
