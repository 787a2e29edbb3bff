// Op schemas: what compactor knows about one ONNX op at each opset version
// where that knowledge changes. A schema declares the attributes the op reads
// (type, default, required); TypeScript derives the attribute values' types
// from the declaration, so code that runs the op reads `attrs.group` as a
// number without a cast. Shape rules (../shape-inference/) and runtime
// implementations (runtime/tfjs/ops/) attach to these versions.
import type { AttributeType, Graph, Tensor } from "../types.js";

/** The JS value each attribute type resolves to. */
interface AttrValueOf {
  int: number;
  float: number;
  string: string;
  ints: readonly number[];
  floats: readonly number[];
  strings: readonly string[];
  tensor: Tensor;
  tensors: readonly Tensor[];
  graph: Graph;
  graphs: readonly Graph[];
}

/** One declared attribute. A default must have the attribute's own value type. */
export type AttrDecl = {
  readonly [T in AttributeType]: {
    readonly type: T;
    readonly default?: AttrValueOf[T];
    /** A missing required attribute fails loudly, naming the attribute and the node. */
    readonly required?: boolean;
  };
}[AttributeType];

export type AttrSpec = Readonly<Record<string, AttrDecl>>;

/**
 * The values a node's attributes resolve to under `S`: defaulted and required
 * attributes always have a value; the others may be undefined.
 */
export type AttrValues<S extends AttrSpec> = {
  readonly [K in keyof S]: S[K] extends { readonly default: unknown } | { readonly required: true }
    ? AttrValueOf[S[K]["type"]]
    : AttrValueOf[S[K]["type"]] | undefined;
};

/** Resolved attributes when the spec is not known statically (the compiler's view). */
export type Attrs = AttrValues<AttrSpec>;

/** One op at one opset version: the unit shape rules and runtimes attach to. */
export interface OpVersion<S extends AttrSpec = AttrSpec> {
  /** "" is ai.onnx. */
  readonly domain: string;
  readonly opType: string;
  /** First opset version of the domain this schema describes; it holds until the next version. */
  readonly since: number;
  /** The attributes compactor reads; a node carrying another one is refused by the runtime. */
  readonly attributes: S;
  /** Why no runtime implements this op (onnxruntime runs it), when that is deliberate. */
  readonly shapeOnly?: string;
}

export interface VersionSpec {
  readonly attributes?: AttrSpec;
}

type SpecOf<V> = V extends { readonly attributes: infer S extends AttrSpec } ? S : {};

/** An op's versions, keyed by `since`: `Softmax[13]`. */
export type OpVersions<V> = { readonly [K in keyof V]: OpVersion<SpecOf<V[K]>> };

/** The usual shapeOnly reason: an op the tfjs runtime could run but does not yet. */
export const NOT_ON_TFJS_YET = "not implemented on the tfjs runtime yet; onnxruntime runs it";

export interface OpOptions {
  /** Default "" (ai.onnx). */
  readonly domain?: string;
  /** Marks an op no runtime implements on purpose, with the reason (the coverage test reads it). */
  readonly shapeOnly?: string;
}

/**
 * Declares an op's versions: `defineOp("Softmax", { 1: { attributes: { axis:
 * { type: "int", default: 1 } } }, 13: { attributes: { axis: { type: "int",
 * default: -1 } } } })`. Each version lists its own attributes (nothing
 * carries over: attributes are what changes between versions).
 */
export function defineOp<const V extends Readonly<Record<number, VersionSpec>>>(opType: string, versions: V, options: OpOptions = {}): OpVersions<V> {
  const out: Record<number, OpVersion> = {};
  for (const [key, spec] of Object.entries(versions) as [string, VersionSpec][]) {
    const since = Number(key);
    if (!Number.isInteger(since) || since < 1) throw new Error(`op ${opType}: version key "${key}" is not an opset number ≥ 1`);
    out[since] = Object.freeze({
      domain: options.domain ?? "",
      opType,
      since,
      attributes: Object.freeze({ ...(spec.attributes ?? {}) }),
      ...(options.shapeOnly !== undefined ? { shapeOnly: options.shapeOnly } : {}),
    });
  }
  return Object.freeze(out) as OpVersions<V>;
}

/** Every version of the given ops, for a family's list. */
export function versionsOf(...ops: readonly OpVersions<object>[]): OpVersion[] {
  return ops.flatMap((op) => Object.values(op) as OpVersion[]);
}
