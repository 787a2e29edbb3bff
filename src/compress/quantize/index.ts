// Quantization: weight-only, dynamic, static (calibrated QDQ) and QAT steps.
import { dynamic } from "./dynamic.js";
import { weights } from "./weights.js";

export const quantize = Object.freeze({ weights, dynamic });

export type { WeightsOptions } from "./weights.js";
export type { DynamicOptions } from "./dynamic.js";
