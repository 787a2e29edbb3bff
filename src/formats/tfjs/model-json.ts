// The shapes of TF.js model.json files (tfjs-core io types and the converter's
// output): a graph model (format "graph-model": a TensorFlow GraphDef in JSON)
// or a layers model (format "layers-model": a Keras topology), each with a
// weights manifest naming shard files. Only the fields compactor reads or
// writes are typed.
import type { TfAttrs, TfShape } from "./tf-attrs.js";

export const WEIGHT_DTYPES = ["float32", "int32", "bool", "float16", "uint8", "int8", "int16", "uint16", "complex64", "string"] as const;

export interface Quantization {
  /** Stored element type: uint8/uint16 affine (min + q·scale) or float16. */
  readonly dtype: "uint8" | "uint16" | "float16";
  readonly min?: number;
  readonly scale?: number;
  readonly original_dtype?: string;
}

export interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly quantization?: Quantization;
}

export interface WeightsGroup {
  readonly paths: readonly string[];
  readonly weights: readonly WeightSpec[];
}

export interface TfNodeDef {
  readonly name: string;
  readonly op: string;
  readonly input?: readonly string[];
  readonly attr?: TfAttrs;
  readonly device?: string;
}

export interface TensorInfo {
  readonly name: string;
  readonly dtype: string;
  readonly tensorShape?: TfShape;
}

export interface GraphModelJson {
  readonly format: "graph-model";
  readonly generatedBy?: string;
  readonly convertedBy?: string;
  readonly modelTopology: { readonly node: readonly TfNodeDef[]; readonly library?: unknown; readonly versions?: unknown };
  readonly weightsManifest: readonly WeightsGroup[];
  readonly signature?: { readonly inputs?: Readonly<Record<string, TensorInfo>>; readonly outputs?: Readonly<Record<string, TensorInfo>> };
  readonly userDefinedMetadata?: Readonly<Record<string, unknown>>;
}

/** A Keras layer config as serialized by tf.keras / tfjs-layers. */
export interface KerasLayer {
  readonly class_name: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly name?: string;
  /** Functional models: [[[inbound layer, node index, tensor index, kwargs], …]] per call. */
  readonly inbound_nodes?: readonly unknown[];
}

export interface LayersModelJson {
  readonly format?: "layers-model";
  readonly generatedBy?: string;
  readonly convertedBy?: string | null;
  readonly modelTopology: {
    readonly class_name?: string;
    readonly config?: unknown;
    readonly model_config?: { readonly class_name: string; readonly config: unknown };
    readonly keras_version?: string;
    readonly backend?: string;
  };
  readonly weightsManifest: readonly WeightsGroup[];
  readonly userDefinedMetadata?: Readonly<Record<string, unknown>>;
}

/** How compactor's layers writer holds each ONNX input and output (model.json userDefinedMetadata.compactor). */
export interface LayersModelLayout {
  readonly inputs: readonly LayersModelValue[];
  readonly outputs: readonly LayersModelValue[];
}

export interface LayersModelValue {
  /** The ONNX value's name. */
  readonly onnx: string;
  /** The Keras input layer or output layer holding it. */
  readonly keras: string;
  /** "NHWC": the ONNX (N, C, H, W) value is Keras (N, H, W, C); "same": identical shapes. */
  readonly layout: "NHWC" | "same";
}
