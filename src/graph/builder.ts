// GraphBuilder: graphs written in code (the model zoo, tests). Names are made
// unique, plain JS attribute values become typed Attributes, and build()
// checks the structure and infers shapes.
import { GraphError } from "../core/errors.js";
import { inferShapes } from "./shape-inference/index.js";
import { topologicalSort } from "./topo.js";
import { DEFAULT_META, type Attribute, type DType, type Dim, type Graph, type Node, type Tensor, type ValueInfo } from "./types.js";
import { validateGraph } from "./validate.js";

/** Explicit attribute constructors, for when inference from a JS value would guess wrong. */
export const attr = Object.freeze({
  int: (value: number): Attribute => ({ type: "int", value }),
  float: (value: number): Attribute => ({ type: "float", value }),
  string: (value: string): Attribute => ({ type: "string", value }),
  ints: (value: readonly number[]): Attribute => ({ type: "ints", value: [...value] }),
  floats: (value: readonly number[]): Attribute => ({ type: "floats", value: [...value] }),
  strings: (value: readonly string[]): Attribute => ({ type: "strings", value: [...value] }),
  tensor: (value: Tensor): Attribute => ({ type: "tensor", value }),
  graph: (value: Graph): Attribute => ({ type: "graph", value }),
});

export type AttributeInput = number | string | boolean | readonly number[] | readonly string[] | Tensor | Attribute;

/**
 * ONNX attributes that are float in every op that has them. A whole JS number
 * given for one of these (alpha: 1) is a float; any other whole number is an int.
 */
const FLOAT_ATTRIBUTES = new Set([
  "alpha", "beta", "gamma", "epsilon", "momentum", "ratio", "lambd", "bias", "cubic_coeff_a",
  "extrapolation_value", "spatial_scale", "scale", "clip", "min", "max", "value_float", "value_floats",
  "activation_alpha", "activation_beta", "mean", "seed",
]);

const ATTRIBUTE_TYPES = new Set(["float", "int", "string", "tensor", "graph", "floats", "ints", "strings", "tensors", "graphs"]);

function isAttribute(v: unknown): v is Attribute {
  return typeof v === "object" && v !== null && "type" in v && "value" in v && ATTRIBUTE_TYPES.has((v as { type: string }).type);
}

function isTensor(v: unknown): v is Tensor {
  return typeof v === "object" && v !== null && "dtype" in v && "dims" in v && "data" in v;
}

export function toAttribute(name: string, v: AttributeInput): Attribute {
  if (isAttribute(v)) return v;
  if (isTensor(v)) return { type: "tensor", value: v };
  if (typeof v === "boolean") return { type: "int", value: v ? 1 : 0 };
  if (typeof v === "string") return { type: "string", value: v };
  const isFloat = FLOAT_ATTRIBUTES.has(name);
  if (typeof v === "number") return isFloat || !Number.isInteger(v) ? { type: "float", value: v } : { type: "int", value: v };
  const list = v as readonly (number | string)[];
  if (list.every((x) => typeof x === "string")) return { type: "strings", value: [...(list as string[])] };
  const numbers = list as readonly number[];
  return isFloat || !numbers.every(Number.isInteger) ? { type: "floats", value: [...numbers] } : { type: "ints", value: [...numbers] };
}

export interface NodeOptions {
  /** Node name; default "<OpType>_<k>". */
  readonly name?: string;
  /** Output names, or how many outputs to name automatically (default 1). */
  readonly outputs?: number | readonly string[];
  readonly domain?: string;
}

interface MutableNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, Attribute>;
}

export class GraphBuilder {
  private readonly name: string;
  private readonly opsets: Record<string, number>;
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: { name: string; dtype?: DType; shape?: readonly Dim[] }[] = [];
  private readonly initializers = new Map<string, Tensor>();
  private readonly nodes: MutableNode[] = [];
  private readonly taken = new Set<string>();
  private readonly nodeNames = new Set<string>();
  private readonly opCounts = new Map<string, number>();

  constructor(options: { name: string; opset: number; opsets?: Readonly<Record<string, number>> }) {
    this.name = options.name;
    this.opsets = { ...options.opsets, "": options.opset };
  }

  private claim(name: string): string {
    if (this.taken.has(name)) {
      throw new GraphError(`graph "${this.name}": value name "${name}" is already used; pick another name`, { details: { name } });
    }
    this.taken.add(name);
    return name;
  }

  /** A fresh name derived from `base` ("x", "x_1", "x_2"…). */
  private fresh(base: string, used: Set<string>): string {
    let name = base;
    for (let k = 1; used.has(name); k++) name = `${base}_${k}`;
    return name;
  }

  input(name: string, dtype: DType, shape: readonly Dim[]): string {
    this.inputs.push({ name: this.claim(name), dtype, shape: Object.freeze([...shape]) });
    return name;
  }

  initializer(name: string, tensor: Tensor): string {
    this.initializers.set(this.claim(name), tensor);
    return name;
  }

  /** Adds a node; "" or undefined in `inputs` marks an omitted optional input. Returns output names. */
  node(opType: string, inputs: readonly (string | undefined)[], attributes: Readonly<Record<string, AttributeInput>> = {}, options: NodeOptions = {}): string[] {
    const k = this.opCounts.get(opType) ?? 0;
    this.opCounts.set(opType, k + 1);
    const name = options.name ?? this.fresh(`${opType}_${k}`, this.nodeNames);
    if (this.nodeNames.has(name)) throw new GraphError(`graph "${this.name}": node name "${name}" is already used`, { node: name });
    this.nodeNames.add(name);
    const requested = options.outputs ?? 1;
    const outputs =
      typeof requested === "number"
        ? Array.from({ length: requested }, (_, i) => this.claim(this.fresh(`${name}_output_${i}`, this.taken)))
        : requested.map((o) => (o === "" ? "" : this.claim(o)));
    const attrs: Record<string, Attribute> = {};
    for (const [key, value] of Object.entries(attributes)) attrs[key] = toAttribute(key, value);
    this.nodes.push({ name, opType, domain: options.domain ?? "", inputs: inputs.map((i) => i ?? ""), outputs, attributes: attrs });
    return outputs;
  }

  /** A Constant node holding `tensor`; returns its output name. */
  constant(tensor: Tensor, name?: string): string {
    return this.node("Constant", [], { value: attr.tensor(tensor) }, name ? { name } : {})[0];
  }

  /**
   * Marks `value` as a graph output, renamed to `name` when given: a node
   * output is renamed in place; an input or initializer gets an Identity.
   */
  output(value: string, name?: string): string {
    let outName = value;
    if (name !== undefined && name !== value) {
      const producer = this.nodes.find((n) => n.outputs.includes(value));
      if (producer) {
        this.claim(name);
        this.taken.delete(value);
        for (const n of this.nodes) {
          n.inputs = n.inputs.map((i) => (i === value ? name : i));
          n.outputs = n.outputs.map((o) => (o === value ? name : o));
        }
        for (const o of this.outputs) if (o.name === value) o.name = name;
      } else {
        this.node("Identity", [value], {}, { outputs: [name] });
      }
      outName = name;
    }
    this.outputs.push({ name: outName });
    return outName;
  }

  /** The finished graph: validated, topologically sorted, with inferred shapes. */
  build(): Graph {
    const raw = this.buildUnchecked();
    const sorted = topologicalSort(raw);
    validateGraph(sorted);
    return inferShapes(sorted);
  }

  /**
   * The graph exactly as written: no sorting, validation or shape inference.
   * Only for tests of error paths that need a broken graph.
   */
  buildUnchecked(): Graph {
    const nodes: Node[] = this.nodes.map((n) => Object.freeze({ ...n, inputs: Object.freeze([...n.inputs]), outputs: Object.freeze([...n.outputs]), attributes: Object.freeze({ ...n.attributes }) }));
    const raw: Graph = {
      name: this.name,
      nodes,
      inputs: [...this.inputs],
      // Output dtypes are filled in by shape inference; float32 stands in until then.
      outputs: this.outputs.map((o) => ({ name: o.name, dtype: o.dtype ?? "float32" })),
      initializers: new Map(this.initializers),
      valueInfo: new Map(),
      opsets: { ...this.opsets },
      meta: DEFAULT_META,
    };
    return raw;
  }
}
