// onnxruntime's com.microsoft QLinear ops, which its quantizer writes in the
// QOperator format (and its QDQ fusions produce): each dequantizes its
// operands, computes in float and requantizes to the output's grid, so a
// quantized model exported by onnxruntime runs, evaluates and distills here.
import { tf } from "../tf.js";
import { required, shapeError, unsupportedFeature } from "./args.js";
import { averagePool10 } from "./pool.js";
import { asFloat, broadcastParam, dequantize, outputRange, quantize, scalarParam } from "./quant-grid.js";
import {
  QGemm,
  QLinearAdd,
  QLinearAveragePool,
  QLinearConcat,
  QLinearGlobalAveragePool,
  QLinearLeakyRelu,
  QLinearMul,
  QLinearSigmoid,
} from "../../../graph/ops/quantization.js";
import type { OpVersion } from "../../../graph/ops/index.js";
import { implement, type Attrs, type OpContext, type OpEntry } from "./types.js";

/** Operand `i` of a QLinear op given as (value, scale, zero point) at inputs i, i+1, i+2. */
function operand(inputs: readonly (tf.Tensor | undefined)[], i: number, ctx: OpContext, name: string): tf.Tensor {
  const x = required(inputs, i, ctx, name);
  const zp = inputs[i + 2];
  return dequantize(x, scalarParam(required(inputs, i + 1, ctx, `${name}_scale`), ctx, `${name}_scale`), zp ? scalarParam(zp, ctx, `${name}_zero_point`) : 0);
}

/** Requantizes `y` with the scale at input i and the zero point at i + 1. */
function requantize(y: tf.Tensor, inputs: readonly (tf.Tensor | undefined)[], i: number, ctx: OpContext, name: string): tf.Tensor {
  const range = outputRange(ctx, i + 1, inputs[i + 1] !== undefined);
  const zp = inputs[i + 1];
  return quantize(y, scalarParam(required(inputs, i, ctx, `${name}_scale`), ctx, `${name}_scale`), zp ? scalarParam(zp, ctx, `${name}_zero_point`) : 0, range, false);
}

function binary(version: OpVersion, f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): OpEntry {
  return implement(version, {
    layout: "elementwise",
    run: (inputs, _attrs, ctx) => [tf.tidy(() => requantize(f(operand(inputs, 0, ctx, "A"), operand(inputs, 3, ctx, "B")), inputs, 6, ctx, "C"))],
  });
}

function unary(version: OpVersion, f: (x: tf.Tensor, attrs: Attrs) => tf.Tensor): OpEntry {
  return implement(version, {
    layout: "elementwise",
    run: (inputs, attrs, ctx) => [tf.tidy(() => requantize(f(operand(inputs, 0, ctx, "X"), attrs), inputs, 3, ctx, "Y"))],
  });
}

function channelsLastAttr(attrs: Attrs, ctx: OpContext): void {
  if (attrs.channels_last === 1) throw unsupportedFeature(ctx, "channels_last=1 (an NHWC graph)");
}

const qlinearGlobalAveragePool = implement(QLinearGlobalAveragePool[1], {
  layout: "channelsLast",
  run(inputs, attrs, ctx) {
    channelsLastAttr(attrs, ctx);
    return [
      tf.tidy(() => {
        const x = operand(inputs, 0, ctx, "X");
        // Held (N, spatial…, C): average every axis but the first and last.
        const axes = Array.from({ length: x.rank - 2 }, (_, i) => i + 1);
        return requantize(tf.mean(x, axes, true), inputs, 3, ctx, "y");
      }),
    ];
  },
});

const qlinearAveragePool = implement(QLinearAveragePool[1], {
  layout: "channelsLast",
  run(inputs, attrs, ctx) {
    channelsLastAttr(attrs, ctx);
    return [tf.tidy(() => requantize(averagePool10.run([operand(inputs, 0, ctx, "X")], attrs, ctx)[0]!, inputs, 3, ctx, "y"))];
  },
});

const qlinearConcat = implement(QLinearConcat[1], {
  run(inputs, attrs, ctx) {
    if ((inputs.length - 2) % 3 !== 0 || inputs.length < 5) throw shapeError(ctx, `inputs must be Y_scale, Y_zero_point, then (X, X_scale, X_zero_point) triples; got ${inputs.length} inputs`);
    return [
      tf.tidy(() => {
        const parts: tf.Tensor[] = [];
        for (let i = 2; i < inputs.length; i += 3) parts.push(operand(inputs, i, ctx, `X${(i - 2) / 3}`));
        const rank = parts[0]!.rank;
        const axis = (attrs.axis as number) < 0 ? (attrs.axis as number) + rank : (attrs.axis as number);
        return requantize(tf.concat(parts, axis), inputs, 0, ctx, "Y");
      }),
    ];
  },
});

/**
 * QGemm: Y = alpha·A'·B' + C with C int32 on the grid alpha·a_scale·b_scale
 * (zero point 0); b's scale and zero point may be one per output column.
 * Without y_scale the output is float.
 */
const qgemm = implement(QGemm[1], {
  run(inputs, attrs, ctx) {
    const b = required(inputs, 3, ctx, "B");
    return [
      tf.tidy(() => {
        const a = operand(inputs, 0, ctx, "A");
        const columns = { axis: attrs.transB ? 0 : 1, blockSize: 0, channelsLast: false };
        const bScale = broadcastParam(required(inputs, 4, ctx, "b_scale"), b, columns, ctx, "b_scale");
        const bf = dequantize(b, bScale, inputs[5] ? broadcastParam(inputs[5], b, columns, ctx, "b_zero_point") : 0);
        const alpha = attrs.alpha as number;
        let y = tf.mul(tf.matMul(a as tf.Tensor2D, bf as tf.Tensor2D, attrs.transA === 1, attrs.transB === 1), alpha);
        const c = inputs[6];
        if (c) {
          const aScale = scalarParam(required(inputs, 1, ctx, "a_scale"), ctx, "a_scale");
          y = tf.add(y, tf.mul(asFloat(c), tf.mul(tf.mul(aScale, tf.reshape(bScale, [-1])), alpha)));
        }
        return inputs[7] ? requantize(y, inputs, 7, ctx, "y") : y;
      }),
    ];
  },
});

export const QLINEAR_CONTRIB_OPS: readonly OpEntry[] = [
  binary(QLinearAdd[1], tf.add),
  binary(QLinearMul[1], tf.mul),
  unary(QLinearSigmoid[1], (x) => tf.sigmoid(x)),
  unary(QLinearLeakyRelu[1], (x, attrs) => tf.leakyRelu(x, attrs.alpha as number)),
  qlinearGlobalAveragePool,
  qlinearAveragePool,
  qlinearConcat,
  qgemm,
];
