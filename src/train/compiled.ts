// What the loop needs from a graph compiled by src/runtime/tfjs/compile.ts.
// Stated here as a structural type so the loop can be tested with a stand-in
// and so the dependency on the compiler stays one import in train-graph.ts.
import type { tf } from "../runtime/tfjs/tf.js";
import type { Graph } from "../graph/types.js";

export interface ForwardOptions {
  readonly training: boolean;
  readonly outputs?: readonly string[];
  /** Dropout's seed for this call. */
  readonly seed?: number;
}

export interface TrainableModel {
  /** Initializers as variables, in backend layout, by initializer name. */
  readonly variables: ReadonlyMap<string, tf.Variable>;
  /** Pure, differentiable; outputs by graph output name. */
  forward(feeds: Record<string, tf.Tensor>, options: ForwardOptions): Record<string, tf.Tensor>;
  /** Folds shape arithmetic for these input shapes; call before forward() with new shapes (webgpu needs it). */
  prepare?(feeds: Record<string, { readonly shape: readonly number[] }>): Promise<void>;
  /** New values for state initializers (BatchNorm running stats) from the last training forward. */
  takeStateUpdates(): Map<string, tf.Tensor>;
  /** The graph with current variable values written back in ONNX layout (async: GPU readback). */
  exportGraph(): Promise<Graph>;
  /** An initializer-shaped tensor from ONNX layout into its variable's layout, and back (pruning masks need both). */
  toVariableLayout?(name: string, t: tf.Tensor): tf.Tensor;
  fromVariableLayout?(name: string, t: tf.Tensor): tf.Tensor;
  dispose?(): void;
}
