// Training losses ONNX defines as ops (run by runtime/tfjs/ops/loss.ts).
import { defineOp, versionsOf } from "./define.js";

const lossAttributes = { ignore_index: { type: "int" }, reduction: { type: "string", default: "mean" } } as const;

export const NegativeLogLikelihoodLoss = defineOp("NegativeLogLikelihoodLoss", { 12: { attributes: lossAttributes } });
export const SoftmaxCrossEntropyLoss = defineOp("SoftmaxCrossEntropyLoss", { 12: { attributes: lossAttributes } });

export const lossOps = versionsOf(NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss);
