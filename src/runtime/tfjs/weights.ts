// Initializers as tf.Variables. An initializer whose only consumer takes it in
// a backend layout (Conv OIHW → HWIO, Gemm transB=1 → pre-transposed) is
// stored in that layout, so no per-call transpose runs on weights; exported
// graphs and fetched values convert back to ONNX layout.
import { tf } from "./tf.js";
import type { Graph, Tensor } from "../../graph/types.js";
import { fromTfValues, toTf } from "./tensors.js";
import type { Attrs, InputLayout, OpEntry } from "./ops/types.js";

export type WeightLayouts = ReadonlyMap<string, { readonly layout: InputLayout; readonly attrs: Attrs }>;

/** Where each initializer should live: in a backend layout when its one consumer asks for it. */
export function weightLayouts(graph: Graph, entries: readonly OpEntry[], attrs: readonly Attrs[]): WeightLayouts {
  const uses = new Map<string, { layout?: InputLayout; attrs: Attrs }[]>();
  graph.nodes.forEach((node, n) => {
    node.inputs.forEach((name, i) => {
      if (!graph.initializers.has(name)) return;
      const list = uses.get(name) ?? [];
      list.push({ layout: entries[n]!.inputLayouts?.[i], attrs: attrs[n]! });
      uses.set(name, list);
    });
  });
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const result = new Map<string, { layout: InputLayout; attrs: Attrs }>();
  for (const [name, list] of uses) {
    const only = list[0]!;
    if (list.length === 1 && only.layout && !outputs.has(name)) result.set(name, { layout: only.layout, attrs: only.attrs });
  }
  return result;
}

/** Every non-string initializer as a variable, in its layout; `trainable` ones get gradients. */
export function createVariables(graph: Graph, layouts: WeightLayouts, trainable: (name: string) => boolean): Map<string, tf.Variable> {
  const variables = new Map<string, tf.Variable>();
  for (const [name, t] of graph.initializers) {
    if (t.dtype === "string") continue;
    const variable = tf.tidy(() => {
      const raw = toTf(t, `initializer "${name}"`);
      const w = layouts.get(name);
      return tf.variable(w ? w.layout.toBackend(raw, w.attrs) : raw, trainable(name));
    });
    variables.set(name, variable);
  }
  return variables;
}

/** The initializers with the variables' current values written back in ONNX layout. */
export async function exportInitializers(graph: Graph, variables: ReadonlyMap<string, tf.Variable>, layouts: WeightLayouts): Promise<Map<string, Tensor>> {
  const initializers = new Map<string, Tensor>(graph.initializers);
  for (const [name, v] of variables) {
    const original = graph.initializers.get(name)!;
    const w = layouts.get(name);
    const onnx = w ? tf.tidy(() => w.layout.toOnnx(v, w.attrs, original.dims)) : v;
    try {
      initializers.set(name, fromTfValues((await onnx.data()) as ArrayLike<number>, original.dims, original.dtype));
    } finally {
      if (onnx !== v) onnx.dispose();
    }
  }
  return initializers;
}
