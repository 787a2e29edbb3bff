// Quantization: weight-only, dynamic, static (calibrated QDQ) and QAT steps.
import { weights } from "./weights.js";

export const quantize = Object.freeze({ weights });

export type { WeightsOptions } from "./weights.js";
