// The per-call state ops read through their OpContext: whether this call
// trains, its seeded randomness, and the state updates (BatchNorm running
// statistics) a training call records. One per compiled graph; forward()
// starts each call with begin().
import { tf } from "./tf.js";
import { GraphError } from "../../core/errors.js";
import type { Graph, Node } from "../../graph/types.js";
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

export class CallState {
  private training = false;
  private nextSeed = seededInts(0);
  private readonly updates = new Map<string, tf.Tensor>();

  constructor(private readonly graph: Graph) {}

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
