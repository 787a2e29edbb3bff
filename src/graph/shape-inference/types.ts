// The contract between shape inference (index.ts) and its per-family rule files.
import type { DType, Dim, Node } from "../types.js";

/**
 * What is known about one value. `value` holds the elements of small
 * shape-like tensors (Shape outputs, Reshape targets, Slice starts) so chains
 * such as Shape → Gather → Unsqueeze → Concat → Reshape fold to a shape;
 * elements may be symbolic ("N") or null (unknown) like dims.
 */
export interface ValueFacts {
  readonly dtype?: DType;
  /** undefined: rank unknown. */
  readonly shape?: readonly Dim[];
  /** Elements in row-major order, when known. */
  readonly value?: readonly Dim[];
}

export interface InferContext {
  readonly node: Node;
  /** The opset the graph declares for the node's domain (ai.onnx for ai.onnx ops). */
  readonly opset: number;
  /** Facts about input i; undefined when the input is omitted ("") or absent. */
  input(i: number): ValueFacts | undefined;
  /** Shortcuts for input(i)?.shape / .dtype / .value. */
  shape(i: number): readonly Dim[] | undefined;
  dtype(i: number): DType | undefined;
  value(i: number): readonly Dim[] | undefined;
  /** Input i's elements when all are known numbers (axes, pads, shape targets). */
  numbers(i: number): number[] | undefined;
  /** Record a definite inconsistency (mismatched dims); inference goes on. */
  problem(message: string): void;
}

/**
 * One op's rule: facts about each output from facts about the inputs.
 * Returning undefined for an output (or a shorter array) leaves it unknown.
 */
export interface ShapeRule {
  readonly opType: string;
  /** "" = ai.onnx. */
  readonly domain?: string;
  /**
   * The op version (in src/graph/ops/) this rule attaches to; it applies to
   * that version and later ones up to the next rule.
   */
  readonly since: number;
  infer(ctx: InferContext): readonly (ValueFacts | undefined)[];
}
