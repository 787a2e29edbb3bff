// Layout dispatch: hands one node its inputs in the layouts its op's
// LayoutPolicy asks for (layout.ts explains the policies) and says which
// layout each of its outputs is held in. Inputs the op takes in a backend
// layout (InputLayout) and that were not stored that way at compile time
// (computed or shared weights) are converted here, per call.
import type { tf } from "./tf.js";
import type { Node } from "../../graph/types.js";
import { alignElementwise, asChannelsLast, asOnnx, type Held, type Layout } from "./layout.js";
import type { Attrs, OpEntry } from "./ops/types.js";

export interface Dispatched {
  readonly inputs: (tf.Tensor | undefined)[];
  /** The layout input 0 arrived in: OpContext.layout. */
  readonly contextLayout: Layout;
  /** The layout output `i` is held in. */
  outputLayout(i: number): Layout;
}

/** `storedInBackendLayout(name)`: the initializer is already in the layout its one consumer wants. */
export function dispatch(
  entry: OpEntry,
  node: Node,
  values: readonly (Held | undefined)[],
  attrs: Attrs,
  storedInBackendLayout: (name: string) => boolean,
): Dispatched {
  const policy = entry.layout ?? "onnx";
  let inputs: (tf.Tensor | undefined)[];
  let outLayout: Layout = "onnx";
  if (policy === "elementwise") {
    ({ inputs, layout: outLayout } = alignElementwise(values));
  } else if (policy === "keepsLayout") {
    const first = values[0];
    outLayout = first !== undefined && first.t.rank >= 3 ? first.layout : "onnx";
    inputs = values.map((v, i) => (v === undefined ? undefined : i === 0 ? v.t : asOnnx(v)));
  } else if (policy === "channelsLast") {
    inputs = values.map((v, i) => (v === undefined ? undefined : i === 0 ? asChannelsLast(v) : asOnnx(v)));
    outLayout = "channelsLast";
  } else {
    inputs = values.map((v) => (v === undefined ? undefined : asOnnx(v)));
  }
  for (const [i, layout] of Object.entries(entry.inputLayouts ?? {})) {
    const k = Number(i);
    const name = node.inputs[k] ?? "";
    if (inputs[k] !== undefined && !storedInBackendLayout(name)) inputs[k] = layout.toBackend(inputs[k]!, attrs);
  }
  return {
    inputs,
    contextLayout: policy === "channelsLast" ? "channelsLast" : outLayout,
    // Only output 0 is spatial, except for elementwise ops, whose outputs all keep the aligned layout.
    outputLayout: (i) => (i === 0 || policy === "elementwise" ? outLayout : "onnx"),
  };
}
