// The contract between the layers-model reader (../read.ts) and its layer
// table: one file per family of Keras layers, each entry turning one layer
// call into ONNX nodes. Values keep Keras's layout (channels last); layers
// that ONNX runs channels-first transpose around themselves.
import type { GraphBuilder } from "../../../../graph/builder.js";
import type { Tensor } from "../../../../graph/types.js";

export interface LayerContext {
  readonly b: GraphBuilder;
  readonly className: string;
  readonly name: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** ONNX values of the layer's inputs, and their ranks (batch axis included). */
  readonly inputs: readonly string[];
  readonly ranks: readonly number[];
  /** The layer's weight ending in `/suffix` ("kernel", "bias", "moving_mean"…); a failure naming it when absent. */
  weight(suffix: string): Tensor;
  /** Whether the layer has that weight. */
  hasWeight(suffix: string): boolean;
  /** An ONNX node named after the layer (`suffix` for helpers). */
  onnx(opType: string, inputs: readonly string[], attributes?: Readonly<Record<string, unknown>>, suffix?: string, outputs?: number): string[];
  initializer(tensor: Tensor, suffix: string): string;
  int64(values: readonly number[], suffix: string): string;
  /** config[key] as a number / number list / string / boolean, with a default. */
  num(key: string, fallback?: number): number;
  nums(key: string, fallback?: readonly number[]): number[];
  str(key: string, fallback?: string): string;
  bool(key: string, fallback?: boolean): boolean;
  fail(reason: string): never;
}

export interface LayerResult {
  readonly output: string;
  readonly rank: number;
}

export interface LayerEntry {
  readonly classNames: readonly string[];
  convert(ctx: LayerContext): LayerResult;
}
