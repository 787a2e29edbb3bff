// The contract between the mapper (../map.ts) and its rules: one rule per ONNX
// op family that carries weights, each saying which state_dict parameters of a
// candidate module become which of the node's unmapped initializers, and how
// (transposed, gates reordered, BatchNorm folded in). rules/index.ts lists them.
import type { Node, Tensor } from "../../../graph/types.js";
import type { Module, StateDictModules } from "../modules.js";

/** An initializer still waiting for a weight: unnamed by the exporter, float32. */
export interface Pending {
  readonly name: string;
  readonly tensor: Tensor;
}

export interface MapContext {
  readonly modules: StateDictModules;
  /** The pending initializer at `node`'s input `input`, if that input is one. */
  pending(node: Node, input: number): Pending | undefined;
  /** The module (and parameter) a node's other weights came from: by name, or an earlier rule. */
  moduleOf(node: Node): { readonly module: Module; readonly leaf: string } | undefined;
  producer(value: string): Node | undefined;
  consumers(value: string): Node[];
  /** ε for BatchNorm folded by the exporter (a state_dict does not hold it). */
  readonly batchNormEpsilon: number;
}

export interface Assignment {
  readonly slot: string;
  readonly value: Tensor;
  /** state_dict keys the value is made of. */
  readonly keys: readonly string[];
  /** How it was made, when not a plain copy: "transposed", "BatchNorm stem.1 folded in (ε 1e-5)". */
  readonly note?: string;
  /** The BatchNorm module folded into this value, when one was. */
  readonly folded?: string;
}

export interface Match {
  readonly module: Module;
  /** The main parameter used (Linear bias rules read `<leaf minus weight>bias`). */
  readonly leaf: string;
  readonly assignments: readonly Assignment[];
}

export interface NodeRule {
  readonly opTypes: readonly string[];
  /** When true (Add's bias rule), the generic rule is tried after this one; otherwise this rule alone decides. */
  readonly thenGeneric?: boolean;
  /** A match for the node's pending inputs from the first candidate module that fits, else undefined. */
  map(node: Node, candidates: readonly Module[], ctx: MapContext): Match | undefined;
}
