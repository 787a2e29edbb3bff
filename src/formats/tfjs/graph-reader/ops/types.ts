// The contract between the graph-model reader (../read.ts) and its op table:
// one file per TensorFlow op family, each turning one TF node into ONNX nodes
// on a GraphBuilder. Values keep TF's layout (NHWC); convolutions, pools and
// resizes transpose to ONNX's NCHW around themselves. Integer values stay
// int32 as in TF.js, cast to int64 only where an ONNX input demands it.
import type { GraphBuilder } from "../../../../graph/builder.js";
import type { Tensor } from "../../../../graph/types.js";
import type { TfNodeDef } from "../../model-json.js";
import type { TfAttrs } from "../../tf-attrs.js";

export type TfType = "float32" | "int32" | "bool";

export interface ImportContext {
  readonly b: GraphBuilder;
  readonly node: TfNodeDef;
  readonly attrs: TfAttrs;
  /** Number of (data) inputs. */
  readonly inputCount: number;
  /** ONNX value of input i. */
  input(i: number): string;
  /** Input i's value when it is a Const. */
  constant(i: number): Tensor | undefined;
  /** Input i's elements when it is a Const (ints or floats as numbers). */
  ints(i: number): number[] | undefined;
  /** Input i as an int64 ONNX value (constants converted, others Cast). */
  int64(i: number): string;
  type(i: number): TfType;
  /** A node-prefixed name for helper values. */
  part(name: string): string;
  /** An ONNX node named after the TF node (with `suffix` for helpers); returns its outputs. */
  onnx(opType: string, inputs: readonly string[], attributes?: Readonly<Record<string, unknown>>, suffix?: string, outputs?: number): string[];
  /** An int64 constant initializer. */
  int64Const(values: readonly number[], name: string, dims?: readonly number[]): string;
  /** A float32 scalar or vector initializer. */
  floatConst(values: readonly number[], name: string, dims?: readonly number[]): string;
  fail(reason: string): never;
}

export interface ImportResult {
  readonly outputs: readonly string[];
  /** Types of the outputs; default: input 0's type. */
  readonly types?: readonly TfType[];
}

export interface ImportOp {
  readonly tfOps: readonly string[];
  convert(ctx: ImportContext): ImportResult;
}
