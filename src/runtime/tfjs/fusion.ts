// Conv/Gemm + activation fusion. tfjs's fused conv kernels and ours apply
// relu or relu6 in the same pass; a separate Relu / Clip(0, 6) is one more
// full read and write of the activation (ClipByValue was 9% of MobileNetV2's
// tfjs time), and while training one more kernel and gradient per layer. A
// Conv or Gemm whose output feeds only such an activation (and is not a graph
// output) runs with the activation fused (the op reads ctx.fusedActivation), and
// the activation node is skipped. tfjs's fused conv gradient refuses relu6:
// where our kernels do not run, a training op applies the activation apart.
import type { Graph, Node } from "../../graph/types.js";
import type { Attrs } from "./ops/types.js";

/** The ops that read the fused activation (OpContext.fusedActivation). */
const FUSES_ACTIVATION: ReadonlySet<string> = new Set(["Conv", "Gemm"]);
export type FusedActivation = "relu" | "relu6";

export interface Fusion {
  readonly activation: FusedActivation;
  /** The activation node that no longer runs; its output is the conv's. */
  readonly skipped: Node;
}

/** Conv node name → its fusion. `constant(name)` gives compile-time values (Clip's bounds). */
export function activationFusions(graph: Graph, attrs: readonly Attrs[], constant: (name: string) => ArrayLike<number> | undefined): Map<string, Fusion> {
  const readers = new Map<string, Node[]>();
  for (const node of graph.nodes) for (const i of node.inputs) if (i) readers.set(i, [...(readers.get(i) ?? []), node]);
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const fusions = new Map<string, Fusion>();
  graph.nodes.forEach((node) => {
    if (!FUSES_ACTIVATION.has(node.opType) || node.domain !== "" || node.outputs.length !== 1) return;
    const y = node.outputs[0]!;
    const next = readers.get(y);
    if (outputs.has(y) || next?.length !== 1) return;
    const act = next[0]!;
    const activation = activationOf(act, attrs[graph.nodes.indexOf(act)]!, constant);
    if (activation && act.inputs[0] === y && act.outputs.length === 1) fusions.set(node.name, { activation, skipped: act });
  });
  return fusions;
}

function activationOf(node: Node, attrs: Attrs, constant: (name: string) => ArrayLike<number> | undefined): FusedActivation | undefined {
  if (node.domain !== "") return undefined;
  if (node.opType === "Relu") return "relu";
  if (node.opType !== "Clip") return undefined;
  // Clip's bounds are attributes before opset 11, optional inputs after.
  const bound = (i: number, attr: string): number | undefined => {
    const name = node.inputs[i];
    if (name) return constant(name)?.[0];
    const value = attrs[attr];
    return typeof value === "number" ? value : i === 1 ? -Infinity : Infinity;
  };
  const [min, max] = [bound(1, "min"), bound(2, "max")];
  if (min !== 0) return undefined;
  if (max === 6) return "relu6";
  return max === Infinity || (max !== undefined && max >= 3.4e38) ? "relu" : undefined;
}
