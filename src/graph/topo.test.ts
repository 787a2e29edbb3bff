import { describe, expect, it } from "vitest";
import { GraphError } from "../core/errors.js";
import { GraphBuilder } from "./builder.js";
import { float32 } from "./tensor.js";
import { consumers, producers, topologicalSort } from "./topo.js";
import { DEFAULT_META, type Graph, type Node } from "./types.js";

function node(name: string, opType: string, inputs: string[], outputs: string[]): Node {
  return { name, opType, domain: "", inputs, outputs, attributes: {} };
}

function rawGraph(nodes: Node[]): Graph {
  return {
    name: "g",
    nodes,
    inputs: [{ name: "x", dtype: "float32", shape: [2] }],
    outputs: [{ name: "y", dtype: "float32" }],
    initializers: new Map(),
    valueInfo: new Map(),
    opsets: { "": 17 },
    meta: DEFAULT_META,
  };
}

describe("topologicalSort", () => {
  it("returns a sorted graph unchanged (same object)", () => {
    const g = rawGraph([node("a", "Relu", ["x"], ["h"]), node("b", "Relu", ["h"], ["y"])]);
    expect(topologicalSort(g)).toBe(g);
  });

  it("moves nodes only as far as their dependencies require", () => {
    const g = rawGraph([
      node("c", "Add", ["h1", "h2"], ["y"]),
      node("a", "Relu", ["x"], ["h1"]),
      node("b", "Neg", ["x"], ["h2"]),
      node("d", "Abs", ["x"], ["z"]),
    ]);
    expect(topologicalSort(g).nodes.map((n) => n.name)).toEqual(["a", "b", "c", "d"]);
  });

  it("names the nodes of a cycle", () => {
    const g = rawGraph([node("a", "Relu", ["x", "h3"], ["h1"]), node("b", "Relu", ["h1"], ["h2"]), node("c", "Relu", ["h2"], ["h3"])]);
    expect(() => topologicalSort(g)).toThrow(GraphError);
    expect(() => topologicalSort(g)).toThrow(/cycle through nodes "a" → "c" → "b" → "a"|"a".*"b".*"c"/);
  });

  it("reports a node reading its own output as a cycle", () => {
    const g = rawGraph([node("self", "Add", ["x", "y"], ["y"])]);
    expect(() => topologicalSort(g)).toThrow(/cycle.*"self"/);
  });

  it("handles a chain of 20,000 nodes without overflowing the stack", () => {
    const nodes: Node[] = [];
    for (let i = 0; i < 20000; i++) nodes.push(node(`n${i}`, "Relu", [i === 0 ? "x" : `v${i - 1}`], [i === 19999 ? "y" : `v${i}`]));
    const sorted = topologicalSort(rawGraph([...nodes].reverse()));
    expect(sorted.nodes.map((n) => n.name)).toEqual(nodes.map((n) => n.name));
  });

  it("orders a node after the producer of a value its subgraph captures", () => {
    const thenBranch: Graph = { ...rawGraph([node("inner", "Identity", ["h"], ["t"])]), inputs: [], outputs: [{ name: "t", dtype: "float32" }] };
    const ifNode: Node = { ...node("if", "If", ["cond"], ["y"]), attributes: { then_branch: { type: "graph", value: thenBranch }, else_branch: { type: "graph", value: thenBranch } } };
    const g = rawGraph([ifNode, node("makeH", "Relu", ["x"], ["h"]), node("makeCond", "Cast", ["x"], ["cond"])]);
    // Explicit inputs are visited first, then the captured value; "if" comes after both.
    expect(topologicalSort(g).nodes.map((n) => n.name)).toEqual(["makeCond", "makeH", "if"]);
  });
});

describe("producers and consumers", () => {
  it("map values to the nodes that make and read them", () => {
    const b = new GraphBuilder({ name: "g", opset: 17 });
    const x = b.input("x", "float32", ["N", 4]);
    const w = b.initializer("w", float32([4, 4], new Array(16).fill(0.5)));
    const [h] = b.node("MatMul", [x, w], {}, { name: "mm" });
    const [r] = b.node("Relu", [h], {}, { name: "relu" });
    const [s] = b.node("Add", [h, r], {}, { name: "add" });
    b.output(s);
    const g = b.build();
    expect(producers(g).get(h)?.name).toBe("mm");
    expect(producers(g).has(x)).toBe(false);
    expect(consumers(g).get(h)?.map((n) => n.name)).toEqual(["relu", "add"]);
    expect(consumers(g).get(w)?.map((n) => n.name)).toEqual(["mm"]);
    expect(consumers(g).get(s)).toBeUndefined();
  });
});
