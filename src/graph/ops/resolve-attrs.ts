// Attributes resolved from an op version's declared spec: defaults filled in,
// types checked, a missing required attribute named with its node. Attributes
// the version does not declare are reported too: ignoring one could silently
// change what the op computes.
import { GraphError } from "../../core/errors.js";
import type { Attribute, Node } from "../types.js";
import type { AttrSpec, AttrValues } from "./define.js";

/** One problem with one node's attributes, as a line for a combined error. */
export interface AttrProblem {
  readonly node: string;
  readonly op: string;
  readonly message: string;
}

// ONNX writers sometimes store an integral float as int or vice versa; accept
// the numeric widening that cannot change the value.
function compatible(declared: Attribute["type"], got: Attribute): boolean {
  if (declared === got.type) return true;
  if (declared === "float" && got.type === "int") return true;
  if (declared === "floats" && got.type === "ints") return true;
  return false;
}

/**
 * Resolves `node`'s attributes against `spec`; problems are appended, not
 * thrown. `consumer` ("the tfjs runtime") names who refuses undeclared ones.
 */
export function resolveAttrs<S extends AttrSpec>(node: Node, spec: S, problems: AttrProblem[], consumer: string): AttrValues<S> {
  const out: Record<string, unknown> = {};
  for (const [name, decl] of Object.entries(spec)) {
    const a = node.attributes[name];
    if (a === undefined) {
      if (decl.required) {
        problems.push({ node: node.name, op: node.opType, message: `required attribute "${name}" (${decl.type}) is missing` });
      } else if (decl.default !== undefined) {
        out[name] = decl.default;
      }
      continue;
    }
    if (!compatible(decl.type, a)) {
      problems.push({ node: node.name, op: node.opType, message: `attribute "${name}" must be ${decl.type}, got ${a.type}` });
      continue;
    }
    out[name] = a.value;
  }
  for (const name of Object.keys(node.attributes)) {
    if (!(name in spec)) {
      problems.push({
        node: node.name,
        op: node.opType,
        message: `attribute "${name}" is not implemented on ${consumer} (known: ${Object.keys(spec).join(", ") || "none"})`,
      });
    }
  }
  // Checked above against the spec that types the result.
  return Object.freeze(out) as AttrValues<S>;
}

/** Throws one GraphError listing every attribute problem in the graph. */
export function throwAttrProblems(problems: readonly AttrProblem[], graphName: string, remedy: string): void {
  if (problems.length === 0) return;
  const lines = problems.map((p) => `  node "${p.node}" (${p.op}): ${p.message}`);
  throw new GraphError(
    `graph "${graphName}": ${problems.length} attribute problem${problems.length > 1 ? "s" : ""}:\n${lines.join("\n")}\n${remedy}`,
    { node: problems[0]?.node, op: problems[0]?.op, details: { problems } },
  );
}
