// Reading typed node attributes with declared defaults. A missing required
// attribute or one of the wrong type fails loudly, naming the node.
import { GraphError } from "../core/errors.js";
import type { Attribute, Node, Tensor } from "./types.js";

function wrongType(node: Node, name: string, want: string, got: Attribute): GraphError {
  return new GraphError(
    `node "${node.name}" (${node.opType}): attribute "${name}" must be ${want}, got ${got.type}. Fix the exporter or the graph that set it.`,
    { node: node.name, op: node.opType, details: { attribute: name, expected: want, got: got.type } },
  );
}

function missing(node: Node, name: string): GraphError {
  return new GraphError(
    `node "${node.name}" (${node.opType}) needs attribute "${name}", which is absent. Add it to the node.`,
    { node: node.name, op: node.opType, details: { attribute: name } },
  );
}

/** An int attribute (a float attribute holding a whole number is accepted too). */
export function attrInt(node: Node, name: string, fallback?: number): number {
  const a = node.attributes[name];
  if (a === undefined) {
    if (fallback === undefined) throw missing(node, name);
    return fallback;
  }
  if (a.type === "int" || (a.type === "float" && Number.isInteger(a.value))) return a.value;
  throw wrongType(node, name, "int", a);
}

export function attrFloat(node: Node, name: string, fallback?: number): number {
  const a = node.attributes[name];
  if (a === undefined) {
    if (fallback === undefined) throw missing(node, name);
    return fallback;
  }
  if (a.type === "float" || a.type === "int") return a.value;
  throw wrongType(node, name, "float", a);
}

export function attrInts(node: Node, name: string, fallback?: readonly number[]): readonly number[] {
  const a = node.attributes[name];
  if (a === undefined) {
    if (fallback === undefined) throw missing(node, name);
    return fallback;
  }
  if (a.type === "ints" || a.type === "floats") return a.value;
  if (a.type === "int") return [a.value];
  throw wrongType(node, name, "ints", a);
}

export function attrString(node: Node, name: string, fallback?: string): string {
  const a = node.attributes[name];
  if (a === undefined) {
    if (fallback === undefined) throw missing(node, name);
    return fallback;
  }
  if (a.type === "string") return a.value;
  throw wrongType(node, name, "string", a);
}

export function attrTensor(node: Node, name: string): Tensor | undefined {
  const a = node.attributes[name];
  if (a === undefined) return undefined;
  if (a.type === "tensor") return a.value;
  throw wrongType(node, name, "tensor", a);
}

export function hasAttr(node: Node, name: string): boolean {
  return node.attributes[name] !== undefined;
}
