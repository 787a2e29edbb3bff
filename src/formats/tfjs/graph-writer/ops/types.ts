// The contract between the graph-model writer (../write.ts) and its op table:
// one file per ONNX op family, each exporting ExportOp entries that turn one
// ONNX node into TF.js graph-model nodes (TensorFlow op names and attributes as
// @tensorflow/tfjs-converter executes them). Values stay in ONNX layout
// (NCHW) between ops; ops that TF runs channels-last transpose around
// themselves, and ../simplify.ts removes the transposes that cancel.
import type { DType, Dim, Node, Tensor } from "../../../../graph/types.js";
import type { TfGraphBuilder, TfType } from "../builder.js";

export interface ExportContext {
  readonly b: TfGraphBuilder;
  readonly node: Node;
  readonly opset: number;
  /** TF reference of input i (a node name, or name:k). */
  input(i: number): string;
  /** Whether input i is present (not omitted with ""). */
  has(i: number): boolean;
  /** Input i's elements when known at export time (initializers, Constant nodes, folded shapes). */
  known(i: number): number[] | undefined;
  /** Input i's elements where known, symbolic or null elsewhere ([batch, 16, 8, 8]). */
  partial(i: number): readonly (number | string | null)[] | undefined;
  /** Input i's whole value when it is a constant (initializer or Constant node). */
  constant(i: number): Tensor | undefined;
  /** Shape of input i (or of output k with outputShape), when shape inference knows it. */
  shape(i: number): readonly Dim[] | undefined;
  outputShape(k: number): readonly Dim[] | undefined;
  /** Rank of input i; an export error when unknown. */
  rank(i: number): number;
  dtype(i: number): DType;
  /** The TF.js element type input i is held in. */
  type(i: number): TfType;
  outputType(k: number): TfType;
  /** Node-prefixed name for a helper node: `${node.name}/${part}`. */
  part(part: string): string;
  /** Fails the export of this node (collected with every other failing node). */
  fail(reason: string): never;
}

export interface ExportOp {
  readonly opType: string;
  /** First opset version this entry handles; the newest at or below the model's opset is used. */
  readonly since: number;
  /** TF references of the node's outputs, in order. */
  convert(ctx: ExportContext): string[];
}
