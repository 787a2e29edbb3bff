// The one place that imports the TF.js packages. Everything else in compactor
// that needs tfjs imports `tf` from here (see STYLE.md: one adapter per heavy
// dependency). Backends are registered by backends.ts, not on import.
import * as tf from "@tensorflow/tfjs-core";

export { tf };
export type TfTensor = tf.Tensor;
