// What the layers-model writer builds: Keras layers with their inbound
// tensors and weights, and how each ONNX value is held in the Keras model.
// Keras runs images channels-last, so a 4-D ONNX value (N, C, H, W) is a Keras
// tensor (N, H, W, C); a Flatten of one keeps its elements in H·W·C order,
// which the Dense after it absorbs by reordering its kernel rows.
import type { Tensor } from "../../../graph/types.js";

export interface KerasValue {
  /** [layer name, node index, tensor index] as Keras's inbound_nodes spell it. */
  readonly ref: readonly [string, number, number];
  /** The ONNX value's rank. */
  readonly rank: number;
  /** ONNX (N, C, H, W) held as Keras (N, H, W, C). */
  readonly channelsLast: boolean;
  /** ONNX Flatten of (N, C, H, W), held in Keras's H·W·C order: the dims to reorder a following Dense by. */
  readonly flattenedFrom?: readonly [number, number, number];
  /** ONNX (N, C, 1, 1) from a global pool, held as Keras (N, C). */
  readonly pooled?: boolean;
  /** Never negative (after ReLU, ReLU6, sigmoid…): zero padding then equals a max pool's padding. */
  readonly nonNegative?: boolean;
}

export interface KerasLayerSpec {
  readonly class_name: string;
  readonly name: string;
  readonly config: Record<string, unknown>;
  readonly inbound: readonly KerasValue[];
  readonly weights: readonly { readonly suffix: string; readonly tensor: Tensor<"float32"> }[];
}
