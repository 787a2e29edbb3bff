// Quantized ops: the QDQ format's QuantizeLinear/DequantizeLinear, the
// integer matrix ops of the standard, and onnxruntime's com.microsoft QLinear
// ops and MatMulNBits (its QOperator format and 4-bit weights). The tfjs
// runtime runs them all as dequantized math (runtime/tfjs/ops/quantize-linear.ts,
// integer-linear-algebra.ts, qlinear-contrib.ts, matmul-nbits.ts).
import { defineOp, versionsOf } from "./define.js";

const MS = { domain: "com.microsoft" } as const;
const axis = { axis: { type: "int", default: 1 } } as const;
const saturate = { saturate: { type: "int", default: 1 } } as const;
const blocked = { block_size: { type: "int", default: 0 } } as const;
const convAttributes = {
  auto_pad: { type: "string", default: "NOTSET" },
  dilations: { type: "ints" },
  group: { type: "int", default: 1 },
  kernel_shape: { type: "ints" },
  pads: { type: "ints" },
  strides: { type: "ints" },
} as const;
const channelsLast = { channels_last: { type: "int", default: 0 } } as const;

export const QuantizeLinear = defineOp("QuantizeLinear", {
  10: {},
  13: { attributes: axis },
  19: { attributes: { ...axis, ...saturate } },
  21: { attributes: { ...axis, ...saturate, ...blocked, output_dtype: { type: "int", default: 0 } } },
});
export const DequantizeLinear = defineOp("DequantizeLinear", {
  10: {},
  13: { attributes: axis },
  19: { attributes: axis },
  21: { attributes: { ...axis, ...blocked } },
});
export const DynamicQuantizeLinear = defineOp("DynamicQuantizeLinear", { 11: {} });
export const ConvInteger = defineOp("ConvInteger", { 10: { attributes: convAttributes } });
export const QLinearConv = defineOp("QLinearConv", { 10: { attributes: convAttributes } });
export const MatMulInteger = defineOp("MatMulInteger", { 10: {} });
export const QLinearMatMul = defineOp("QLinearMatMul", { 10: {}, 21: {} });

export const QLinearAdd = defineOp("QLinearAdd", { 1: {} }, MS);
export const QLinearMul = defineOp("QLinearMul", { 1: {} }, MS);
export const QLinearSigmoid = defineOp("QLinearSigmoid", { 1: {} }, MS);
export const QLinearLeakyRelu = defineOp("QLinearLeakyRelu", { 1: { attributes: { alpha: { type: "float", default: 0.01 } } } }, MS);
export const QLinearGlobalAveragePool = defineOp("QLinearGlobalAveragePool", { 1: { attributes: channelsLast } }, MS);
export const QLinearAveragePool = defineOp(
  "QLinearAveragePool",
  {
    1: {
      attributes: {
        auto_pad: { type: "string", default: "NOTSET" },
        kernel_shape: { type: "ints", required: true },
        pads: { type: "ints" },
        strides: { type: "ints" },
        count_include_pad: { type: "int", default: 0 },
        ceil_mode: { type: "int", default: 0 },
        ...channelsLast,
      },
    },
  },
  MS,
);
export const QLinearConcat = defineOp("QLinearConcat", { 1: { attributes: { axis: { type: "int", required: true } } } }, MS);
export const QGemm = defineOp(
  "QGemm",
  { 1: { attributes: { alpha: { type: "float", default: 1 }, transA: { type: "int", default: 0 }, transB: { type: "int", default: 0 } } } },
  MS,
);
export const MatMulNBits = defineOp(
  "MatMulNBits",
  {
    1: {
      attributes: {
        K: { type: "int", required: true },
        N: { type: "int", required: true },
        bits: { type: "int", default: 4 },
        block_size: { type: "int", required: true },
        accuracy_level: { type: "int", default: 0 },
      },
    },
  },
  MS,
);

export const quantizationOps = versionsOf(
  QuantizeLinear,
  DequantizeLinear,
  DynamicQuantizeLinear,
  ConvInteger,
  QLinearConv,
  MatMulInteger,
  QLinearMatMul,
  QLinearAdd,
  QLinearMul,
  QLinearSigmoid,
  QLinearLeakyRelu,
  QLinearGlobalAveragePool,
  QLinearAveragePool,
  QLinearConcat,
  QGemm,
  MatMulNBits,
);
