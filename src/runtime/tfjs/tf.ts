// The one place that imports the TF.js packages. Everything else in compactor
// that needs tfjs imports `tf` from here (see STYLE.md: one adapter per heavy
// dependency). Backends are registered by backends.ts, not on import.
// The converter and layers packages (TF.js's own model loaders) are loaded
// only by graph-model.ts and layers-model.ts, when a TF.js model is run.
import * as tf from "@tensorflow/tfjs-core";

export { tf };
export type TfTensor = tf.Tensor;
