// The per-call state ops read through their OpContext: whether this call
// trains, its seeded randomness, and the state updates (BatchNorm running
// statistics) a training call records. One per compiled graph; forward()
// starts each call with begin().
import { tf } from "./tf.js";
import { GraphError } from "../../core/errors.js";
import { DTYPE_FROM_ONNX } from "../../graph/onnx-dtype.js";
import type { DType, Graph, Node } from "../../graph/types.js";
import type { FusedActivation } from "./fusion.js";
import type { Layout } from "./layout.js";
import type { OpContext } from "./ops/types.js";

/** mulberry32: a small seeded generator; Dropout masks must be reproducible. */
function seededInts(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) % 2147483647;
  };
}

/** Every value whose graph dtype the graph states: initializers, inputs, outputs, value infos, Constant and Cast outputs. */
function declaredDtypesOf(graph: Graph): Map<string, DType> {
  const dtypes = new Map<string, DType>();
  for (const v of [...graph.inputs, ...graph.outputs, ...graph.valueInfo.values()]) if (v.dtype) dtypes.set(v.name, v.dtype);
  for (const [name, t] of graph.initializers) dtypes.set(name, t.dtype);
  for (const node of graph.nodes) {
    const value = node.opType === "Constant" ? node.attributes.value : undefined;
    if (value?.type === "tensor") dtypes.set(node.outputs[0]!, value.value.dtype);
    // A Cast states its output type: ONNX's expanded DynamicQuantizeLinear makes its zero point this way.
    const to = node.opType === "Cast" ? node.attributes.to : undefined;
    if (to?.type === "int" && DTYPE_FROM_ONNX[to.value] !== undefined && !dtypes.has(node.outputs[0]!)) dtypes.set(node.outputs[0]!, DTYPE_FROM_ONNX[to.value]!);
  }
  return dtypes;
}

export class CallState {
  private training = false;
  private nextSeed = seededInts(0);
  private readonly updates = new Map<string, tf.Tensor>();
  private readonly dtypes: ReadonlyMap<string, DType>;

  constructor(private readonly graph: Graph) {
    this.dtypes = declaredDtypesOf(graph);
  }

  /** Starts a call; a seed restarts the generator, otherwise it continues. */
  begin(training: boolean, seed: number | undefined): void {
    this.training = training;
    if (seed !== undefined) this.nextSeed = seededInts(seed);
  }

  get isTraining(): boolean {
    return this.training;
  }

  /** The context `node` runs with in the current call. */
  context(node: Node, opset: number, constantOf: OpContext["constantOf"], layout: Layout = "onnx", fusedActivation?: FusedActivation): OpContext {
    return {
      node,
      ...(fusedActivation ? { fusedActivation } : {}),
      opset,
      layout,
      training: this.training,
      seed: () => this.nextSeed(),
      updateState: (name, value) => this.updateState(name, value),
      constantOf,
      dtypeOf: (i: number) => this.dtypes.get(node.inputs[i] ?? ""),
    };
  }

  private updateState(name: string, value: tf.Tensor): void {
    if (!this.graph.initializers.has(name)) {
      throw new GraphError(`updateState: "${name}" is not an initializer of graph "${this.graph.name}"`);
    }
    this.updates.get(name)?.dispose();
    this.updates.set(name, tf.keep(tf.clone(value)));
  }

  /** The updates recorded since the last take; the caller owns (and disposes) them. */
  takeUpdates(): Map<string, tf.Tensor> {
    const taken = new Map(this.updates);
    this.updates.clear();
    return taken;
  }

  dispose(): void {
    for (const t of this.updates.values()) t.dispose();
    this.updates.clear();
  }
}
