// Quantization: weight-only, dynamic, static (calibrated QDQ) and QAT steps.
import { dynamic } from "./dynamic.js";
import { qat } from "./qat.js";
import { staticQuantize } from "./static.js";
import { weights } from "./weights.js";

export const quantize = Object.freeze({ weights, dynamic, static: staticQuantize, qat });

export type { WeightsOptions } from "./weights.js";
export type { DynamicOptions } from "./dynamic.js";
export type { StaticOptions } from "./static.js";
export type { QatOptions } from "./qat.js";
