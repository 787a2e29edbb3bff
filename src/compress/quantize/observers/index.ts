// Calibration methods: how an activation's observed values become the range its
// grid covers. minmax needs one pass; percentile and entropy a second pass
// filling a histogram over the range the first found.
export { MinMaxObserver } from "./minmax.js";
export { HistogramObserver, HISTOGRAM_BINS } from "./histogram.js";
export { percentileRange, DEFAULT_PERCENTILE } from "./percentile.js";
export { entropyRange, entropyThreshold, ENTROPY_LEVELS } from "./entropy.js";

export const CALIBRATION_METHODS = ["minmax", "percentile", "entropy"] as const;
export type CalibrationMethod = (typeof CALIBRATION_METHODS)[number];
