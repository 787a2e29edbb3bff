// The contract between the graph compiler (../compile.ts) and the op
// implementations. Each op family is one file exporting OpEntry values made
// with implement(version, …), where the version comes from the shared op
// table (src/graph/ops/); ops/index.ts lists them.
import type { tf } from "../tf.js";
import type { Node } from "../../../graph/types.js";
import type { AttrSpec, AttrValues, Attrs, OpVersion } from "../../../graph/ops/index.js";

export type { Attrs } from "../../../graph/ops/index.js";

/**
 * How an op wants its spatial tensors laid out. The compiler keeps NCHW data in
 * NHWC ("channelsLast") between ops that accept it, and transposes only where a
 * layout-sensitive op needs ONNX's own layout, so layout costs are paid once.
 * - "onnx": inputs arrive in ONNX layout, outputs are in ONNX layout (default).
 * - "channelsLast": input 0 (N,C,spatial…) arrives as (N,spatial…,C); outputs
 *   that are spatial are produced channels-last. Conv, pools, BatchNorm…
 * - "elementwise": the op is layout-agnostic; the compiler aligns all inputs to
 *   one layout (broadcast operands permuted to match) and outputs keep it.
 * - "keepsLayout": input 0 arrives in whatever layout it is held in (ctx.layout
 *   says which), the other inputs in ONNX layout; output 0 is in input 0's
 *   layout. For ops that map ONNX axes themselves (Pad).
 */
export type LayoutPolicy = "onnx" | "channelsLast" | "elementwise" | "keepsLayout";

export interface OpContext {
  readonly node: Node;
  readonly opset: number;
  /** Layout the spatial input 0 actually arrived in (for "channelsLast" / "elementwise" ops). */
  readonly layout: "onnx" | "channelsLast";
  /** True while training: Dropout drops, BatchNormalization uses batch statistics. */
  readonly training: boolean;
  /** Seeded randomness for Dropout etc. */
  readonly seed: () => number;
  /** Record a new value for an initializer (BatchNorm running mean/var in training). */
  readonly updateState: (initializerName: string, value: tf.Tensor) => void;
  /**
   * Constant values known at compile time (initializers, Constant outputs, folded
   * shapes): ops read shape-like inputs (Reshape's shape, Slice's starts…) here.
   */
  readonly constantOf: (inputIndex: number) => Int32Array | Float32Array | undefined;
  /** Set on a Conv when the compiler fused the following Relu / Clip(0, 6) into it (see ../fusion.ts). */
  readonly fusedActivation?: "relu" | "relu6";
}

/**
 * An input (usually a weight) the op takes in a backend layout, e.g. Conv's
 * OIHW filter as HWIO. The compiler converts initializers once at compile time
 * and any other value per call, so `run` always receives the backend layout;
 * exportGraph uses `toOnnx` to write trained weights back.
 */
export interface InputLayout<A = Attrs> {
  toBackend(w: tf.Tensor, attrs: A): tf.Tensor;
  /** Inverse of toBackend; `onnxDims` are the original ONNX dims. */
  toOnnx(w: tf.Tensor, attrs: A, onnxDims: readonly number[]): tf.Tensor;
}

/** How the tfjs runtime runs one op version; the version's spec types `attrs`. */
export interface OpImplementation<S extends AttrSpec = AttrSpec> {
  readonly layout?: LayoutPolicy;
  /**
   * Inputs, by index, that hold state rather than parameters (BatchNorm's
   * running mean and variance): their initializers never get gradients; they
   * change only through OpContext.updateState.
   */
  readonly stateInputs?: readonly number[];
  /** Inputs, by index, that `run` receives in a backend layout (see InputLayout). */
  readonly inputLayouts?: Readonly<Record<number, InputLayout<AttrValues<S>>>>;
  /** Inputs are tf tensors (undefined for omitted optional inputs); int64 arrives as int32. */
  run(inputs: readonly (tf.Tensor | undefined)[], attrs: AttrValues<S>, ctx: OpContext): tf.Tensor[];
}

/** An implementation attached to its op version: (domain, opType, since) come from the version. */
export interface OpEntry<S extends AttrSpec = AttrSpec> extends OpImplementation<S> {
  readonly version: OpVersion<S>;
  readonly domain: string;
  readonly opType: string;
  readonly since: number;
}

/** Attaches `impl` to `version` (from src/graph/ops/): `implement(Conv[1], { run… })`. */
export function implement<S extends AttrSpec>(version: OpVersion<S>, impl: OpImplementation<S>): OpEntry<S> {
  return Object.freeze({ ...impl, version, domain: version.domain, opType: version.opType, since: version.since });
}
