// Knowledge distillation: the step, its losses and the feature-pair type.
export { distill, DISTILL_DEFAULTS } from "./step.js";
export type { DistillOptions, TeacherInput } from "./step.js";
export { distillationLoss, softTargetKl, featureMse } from "./loss.js";
export type { FeaturePair } from "./features.js";
