// Quantized ops. Shape inference knows them so quantized models can be
// inspected; no tfjs runtime implements them (see shapeOnly).
import { defineOp, versionsOf } from "./define.js";

const DEPLOYED = "quantized graphs are deployed and run on onnxruntime; the tfjs runtime trains and runs float graphs";

export const QuantizeLinear = defineOp("QuantizeLinear", { 10: {} }, { shapeOnly: DEPLOYED });
export const DequantizeLinear = defineOp("DequantizeLinear", { 10: {} }, { shapeOnly: DEPLOYED });
export const DynamicQuantizeLinear = defineOp("DynamicQuantizeLinear", { 11: {} }, { shapeOnly: DEPLOYED });
export const ConvInteger = defineOp("ConvInteger", { 10: {} }, { shapeOnly: DEPLOYED });
export const QLinearConv = defineOp("QLinearConv", { 10: {} }, { shapeOnly: DEPLOYED });
export const MatMulInteger = defineOp("MatMulInteger", { 10: {} }, { shapeOnly: DEPLOYED });
export const QLinearMatMul = defineOp("QLinearMatMul", { 10: {} }, { shapeOnly: DEPLOYED });

export const quantizationOps = versionsOf(QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear, ConvInteger, QLinearConv, MatMulInteger, QLinearMatMul);
