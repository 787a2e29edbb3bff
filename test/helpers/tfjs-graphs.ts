// Small helpers shared by the tfjs runtime tests: seeded random tensors and a
// one-node graph builder. Test support only.
import { GraphBuilder, type AttributeInput } from "../../src/graph/builder.js";
import { float32 } from "../../src/graph/tensor.js";
import type { Dim, Graph, Tensor } from "../../src/graph/types.js";

/** Deterministic uniform values in [lo, hi). */
export function randomTensor(dims: readonly number[], seed: number, lo = -1, hi = 1): Tensor<"float32"> {
  let a = seed >>> 0 || 1;
  const n = dims.reduce((p, d) => p * d, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    values[i] = lo + ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * (hi - lo));
  }
  return float32(dims, values);
}

export interface OneNodeSpec {
  readonly op: string;
  readonly opset?: number;
  /** Runtime inputs: name → shape (float32). */
  readonly inputs: Readonly<Record<string, readonly Dim[]>>;
  /** Initializers: name → tensor. */
  readonly weights?: Readonly<Record<string, Tensor>>;
  /** Node input order; "" for an omitted optional input. Default: inputs then weights. */
  readonly order?: readonly string[];
  readonly attrs?: Readonly<Record<string, AttributeInput>>;
  readonly outputs?: number;
}

/** A graph with one node of `op`, for per-op parity checks. */
export function oneNode(spec: OneNodeSpec): Graph {
  const b = new GraphBuilder({ name: `${spec.op}_test`, opset: spec.opset ?? 17 });
  for (const [name, shape] of Object.entries(spec.inputs)) b.input(name, "float32", shape);
  for (const [name, t] of Object.entries(spec.weights ?? {})) b.initializer(name, t);
  const order = spec.order ?? [...Object.keys(spec.inputs), ...Object.keys(spec.weights ?? {})];
  const outs = b.node(spec.op, order, spec.attrs ?? {}, { outputs: spec.outputs ?? 1 });
  outs.forEach((o, i) => b.output(o, `y${i}`));
  return b.build();
}
