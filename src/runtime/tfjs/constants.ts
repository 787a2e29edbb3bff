// Compile-time constants. Shape-like inputs (Reshape's shape, Slice's starts,
// Expand's shape…) must be known without a device round trip, so before the
// first run the compiler folds every node whose inputs are all constant:
// non-trainable initializers, Constant nodes and chains built on them
// (Shape → Gather → Concat → Reshape). A Shape node folds only when the part of
// its input's shape it returns is fully static, so a symbolic batch dimension
// stays a run-time value and one compiled graph serves any batch size.
// Trainable weights never fold: gradients must reach them.
//
// Folding reads each folded value back. webgpu under Node cannot read
// synchronously (its dataSync draws through an OffscreenCanvas, which Node
// lacks), so the folding is written once as a generator that yields the
// tensors it needs read, with a synchronous driver (dataSync, for forward()
// on host backends) and an asynchronous one (data(), for compile and prepare).
import { tf } from "./tf.js";
import type { Dim, Graph, Node } from "../../graph/types.js";
import type { Attrs, OpContext, OpEntry } from "./ops/types.js";
import { tfValuesOf, toTf } from "./tensors.js";

/** Ops whose result changes between calls even with constant inputs. */
const NONDETERMINISTIC = new Set(["Dropout", "RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial", "Bernoulli"]);

export interface FoldedConstants {
  /** Values known at compile time, for OpContext.constantOf. */
  readonly values: ReadonlyMap<string, Int32Array | Float32Array | Uint8Array>;
  /** tf tensors of folded node outputs (ONNX layout), kept alive until dispose. */
  readonly tensors: ReadonlyMap<string, tf.Tensor>;
  /** Nodes whose outputs are all folded: they do not run per call. */
  readonly foldedNodes: ReadonlySet<string>;
}

function staticShapes(graph: Graph): Map<string, readonly Dim[]> {
  const shapes = new Map<string, readonly Dim[]>();
  for (const v of [...graph.inputs, ...graph.valueInfo.values(), ...graph.outputs]) {
    if (v.shape) shapes.set(v.name, v.shape);
  }
  for (const [name, t] of graph.initializers) shapes.set(name, t.dims);
  return shapes;
}

/** Shape's result when the returned part of the input's shape is static (start/end since opset 15). */
function foldShape(node: Node, attrs: Attrs, shapes: Map<string, readonly Dim[]>): Int32Array | undefined {
  const dims = shapes.get(node.inputs[0] ?? "");
  if (!dims) return undefined;
  const rank = dims.length;
  const clamp = (v: number) => Math.min(rank, Math.max(0, v < 0 ? v + rank : v));
  // Shape's start (default 0) and end (optional) are ints, checked when attributes were resolved.
  const start = clamp(typeof attrs.start === "number" ? attrs.start : 0);
  const end = typeof attrs.end === "number" ? clamp(attrs.end) : rank;
  const picked = dims.slice(start, Math.max(start, end));
  if (!picked.every((d): d is number => typeof d === "number" && d >= 0)) return undefined;
  return Int32Array.from(picked);
}

type HostValues = Int32Array | Float32Array | Uint8Array;

/** What folding needs besides the graph: see foldConstants. */
export interface FoldInputs {
  readonly entries: readonly OpEntry[];
  readonly attrs: readonly Attrs[];
  readonly isTrainable: (name: string) => boolean;
  readonly ctxFor: (node: Node, index: number, constantOf: (i: number) => Int32Array | Float32Array | undefined) => OpContext;
}

/**
 * Folds what can be folded. `isTrainable` says which initializers are
 * variables that must stay live; `ctxFor` builds the OpContext a node runs with.
 * Synchronous: only on backends whose dataSync works (not webgpu under Node).
 */
export function foldConstants(graph: Graph, inputs: FoldInputs): FoldedConstants {
  const steps = foldSteps(graph, inputs);
  for (let step = steps.next(); ; step = steps.next(step.value.dataSync() as HostValues)) {
    if (step.done) return step.value;
  }
}

/** foldConstants reading each value with `await data()`: works on every backend. */
export async function foldConstantsAsync(graph: Graph, inputs: FoldInputs): Promise<FoldedConstants> {
  const steps = foldSteps(graph, inputs);
  for (let step = steps.next(); ; step = steps.next((await step.value.data()) as HostValues)) {
    if (step.done) return step.value;
  }
}

function* foldSteps(graph: Graph, { entries, attrs, isTrainable, ctxFor }: FoldInputs): Generator<tf.Tensor, FoldedConstants, HostValues> {
  const values = new Map<string, Int32Array | Float32Array | Uint8Array>();
  const tensors = new Map<string, tf.Tensor>();
  const foldedNodes = new Set<string>();
  const shapes = staticShapes(graph);
  const constantInit = (name: string) => graph.initializers.has(name) && !isTrainable(name);

  for (const [name, t] of graph.initializers) {
    if (t.dtype !== "string") values.set(name, tfValuesOf(t, `initializer "${name}"`));
  }
  const known = (name: string) => name === "" || tensors.has(name) || constantInit(name);
  const tensorOf = (name: string): tf.Tensor | undefined => {
    if (name === "") return undefined;
    const folded = tensors.get(name);
    if (folded) return folded;
    const t = toTf(graph.initializers.get(name)!, `initializer "${name}"`);
    tensors.set(name, t);
    return t;
  };

  for (const [index, node] of graph.nodes.entries()) {
    const entry = entries[index]!;
    // Layout-converting ops expect backend layouts the folder does not produce.
    if (NONDETERMINISTIC.has(node.opType) || entry.layout === "channelsLast" || entry.inputLayouts) continue;
    let outputs: tf.Tensor[] | undefined;
    if (node.opType === "Shape" && (node.domain === "" || node.domain === "ai.onnx")) {
      const dims = foldShape(node, attrs[index]!, shapes);
      if (dims) outputs = [tf.tensor1d(dims, "int32")];
    }
    if (!outputs && node.inputs.every(known)) {
      const constantOf = (i: number) => values.get(node.inputs[i] ?? "") as Int32Array | Float32Array | undefined;
      const ctx = ctxFor(node, index, constantOf);
      outputs = tf.tidy(() => entry.run(node.inputs.map(tensorOf), attrs[index]!, ctx));
    }
    if (!outputs) continue;
    for (const [i, t] of outputs.entries()) {
      const name = node.outputs[i];
      if (!name) {
        t.dispose();
        continue;
      }
      tensors.set(name, t);
      shapes.set(name, t.shape);
      values.set(name, yield t);
    }
    foldedNodes.add(node.name);
  }
  // Initializer tensors made only to feed folding are not needed at run time.
  for (const name of graph.initializers.keys()) {
    const t = tensors.get(name);
    if (t) {
      t.dispose();
      tensors.delete(name);
    }
  }
  return { values, tensors, foldedNodes };
}
