// Builds a TensorFlow GraphDef (as TF.js model.json writes it) node by node:
// unique, valid node names, Const nodes whose values go to the weights
// manifest, and op nodes with their attributes. Ops are named after the ONNX
// node they come from, so a TF.js error names something the user recognises.
import { makeTensor } from "../../../graph/tensor.js";
import type { TfNodeDef } from "../model-json.js";
import { TF_ATTR, type TfAttrs, type TfDtype } from "../tf-attrs.js";
import type { NamedWeight } from "../weights.js";

/** The element types TF.js holds. */
export type TfType = "float32" | "int32" | "bool";

export const TF_DTYPE: Readonly<Record<TfType, TfDtype>> = Object.freeze({ float32: "DT_FLOAT", int32: "DT_INT32", bool: "DT_BOOL" });

/** TF node names: [A-Za-z0-9.][A-Za-z0-9_.\-/]*; ":" would be read as an output index. */
function sanitize(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_.\-/]/g, "_").replace(/^[^A-Za-z0-9.]+/, "");
  return cleaned === "" ? "node" : cleaned;
}

export class TfGraphBuilder {
  readonly nodes: TfNodeDef[] = [];
  readonly weights: NamedWeight[] = [];
  private readonly taken = new Set<string>();

  /** A fresh node name from `base` (sanitized, "_1", "_2"… when taken). */
  name(base: string): string {
    const clean = sanitize(base);
    let name = clean;
    for (let k = 1; this.taken.has(name); k++) name = `${clean}_${k}`;
    this.taken.add(name);
    return name;
  }

  placeholder(base: string, type: TfType, dims: readonly (number | null)[]): string {
    const name = this.name(base);
    this.nodes.push({ name, op: "Placeholder", attr: { dtype: TF_ATTR.type(TF_DTYPE[type]), shape: TF_ATTR.shape(dims) } });
    return name;
  }

  /** A Const node; its value goes to the weights manifest under the node's name. */
  constant(base: string, type: TfType, dims: readonly number[], data: Float32Array | Int32Array | Uint8Array): string {
    const name = this.name(base);
    this.nodes.push({
      name,
      op: "Const",
      attr: { value: { tensor: { dtype: TF_DTYPE[type], tensorShape: { dim: dims.map((d) => ({ size: String(d) })) } } }, dtype: TF_ATTR.type(TF_DTYPE[type]) },
    });
    this.weights.push({ name, tensor: makeTensor(type, dims, data as never) as NamedWeight["tensor"] });
    return name;
  }

  ints(base: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.constant(base, "int32", dims, Int32Array.from(values));
  }

  int(base: string, value: number): string {
    return this.ints(base, [value], []);
  }

  float(base: string, value: number): string {
    return this.constant(base, "float32", [], Float32Array.from([value]));
  }

  op(op: string, inputs: readonly string[], attr: TfAttrs = {}, base: string = op): string {
    const name = this.name(base);
    this.nodes.push({ name, op, input: [...inputs], attr });
    return name;
  }

  /** Output `index` of a multi-output node, as TF.js names it. */
  static output(node: string, index: number): string {
    return index === 0 ? node : `${node}:${index}`;
  }
}
