// Planning: the structure check lists every dangling value; a plan runs only
// what the wanted outputs need and the fold did not fold, in graph order.
import { describe, expect, it } from "vitest";
import { GraphError } from "../../core/errors.js";
import { GraphBuilder } from "../../graph/builder.js";
import type { FoldedConstants } from "./constants.js";
import { Planner, checkStructure } from "./plan.js";

function chain() {
  const b = new GraphBuilder({ name: "g", opset: 17 });
  const x = b.input("x", "float32", ["N", 4]);
  const [a] = b.node("Relu", [x], {}, { name: "a" });
  const [c] = b.node("Neg", [a!], {}, { name: "c" });
  const [d] = b.node("Abs", [x], {}, { name: "d" });
  b.output(c!);
  b.output(d!);
  return b.build();
}
const fold = (folded: string[]): FoldedConstants => ({ values: new Map(), tensors: new Map(), foldedNodes: new Set(folded) });

describe("checkStructure", () => {
  it("lists every value read before it is produced and every output never produced", () => {
    const g = chain();
    const broken = { ...g, nodes: [g.nodes[1]!, g.nodes[0]!, g.nodes[2]!], outputs: [...g.outputs, { name: "ghost", dtype: "float32" as const }] };
    expect(() => checkStructure(g)).not.toThrow();
    expect(() => checkStructure(broken)).toThrow(GraphError);
    expect(() => checkStructure(broken)).toThrow(/2 dangling values:\n {2}node "c" \(Neg\) reads "[^"]+", which nothing before it produces\n {2}graph output "ghost" is never produced/);
  });
});

describe("Planner", () => {
  it("runs what the wanted outputs need, minus folded nodes, in graph order; keeps the default plan per fold", () => {
    const g = chain();
    const planner = new Planner(g);
    const none = fold([]);
    expect(planner.nodesFor(undefined, none).map((n) => n.name)).toEqual(["a", "c", "d"]);
    expect(planner.nodesFor(undefined, none)).toBe(planner.nodesFor(undefined, none));
    expect(planner.nodesFor([g.outputs[0]!.name], none).map((n) => n.name)).toEqual(["a", "c"]);
    expect(planner.nodesFor(undefined, fold(["a"])).map((n) => n.name)).toEqual(["c", "d"]);
    expect(planner.index(g.nodes[2]!)).toBe(2);
  });
});
