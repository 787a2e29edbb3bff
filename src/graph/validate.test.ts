import { describe, expect, it } from "vitest";
import { GraphError } from "../core/errors.js";
import { float32 } from "./tensor.js";
import { DEFAULT_META, type Graph, type Node, type Tensor } from "./types.js";
import { graphProblems, validateGraph } from "./validate.js";

function node(name: string, opType: string, inputs: string[], outputs: string[]): Node {
  return { name, opType, domain: "", inputs, outputs, attributes: {} };
}

function graph(nodes: Node[], extra: Partial<Graph> = {}): Graph {
  return {
    name: "g",
    nodes,
    inputs: [{ name: "x", dtype: "float32", shape: ["N", 2] }],
    outputs: [{ name: "y", dtype: "float32" }],
    initializers: new Map<string, Tensor>([["w", float32([2], [1, 2])]]),
    valueInfo: new Map(),
    opsets: { "": 17 },
    meta: DEFAULT_META,
    ...extra,
  };
}

describe("validateGraph", () => {
  it("accepts a valid graph, optional inputs left empty", () => {
    const g = graph([node("a", "Add", ["x", "w"], ["h"]), node("b", "Clip", ["h", "", ""], ["y"])]);
    expect(() => validateGraph(g)).not.toThrow();
  });

  it("detects each kind of problem, all at once", () => {
    const broken: Tensor = { dtype: "float32", dims: [2, 3], data: new Float32Array(5) };
    const g = graph(
      [
        node("a", "Relu", ["later"], ["h"]), // not in topological order
        node("b", "Add", ["h", "ghost"], ["h2"]), // dangling input
        node("b", "Relu", ["h2"], ["later"]), // duplicate node name
        node("c", "", ["h"], ["h2"]), // empty op type, and h2 produced twice
        node("d", "Relu", ["x"], ["w"]), // produces an initializer's name
      ],
      {
        outputs: [{ name: "nowhere", dtype: "float32" }],
        initializers: new Map<string, Tensor>([["w", float32([2], [1, 2])], ["bad", broken]]),
      },
    );
    const problems = graphProblems(g);
    expect(problems).toEqual([
      'initializer "bad" has dims [2, 3] (6 elements) but holds 5 float32 elements',
      'node "a" (Relu) reads "later" before node "b" produces it: nodes are not in topological order',
      'node "b" (Add) reads "ghost", which is neither a graph input, an initializer nor any node\'s output',
      'node name "b" is used by more than one node',
      'node "c" has an empty op type',
      'value "h2" is produced twice: by node "b" (Add) and by node "c"',
      'value "w" is produced twice: by initializer and by node "d" (Relu)',
      'graph output "nowhere" is never produced',
    ]);
    expect(() => validateGraph(g)).toThrow(GraphError);
    try {
      validateGraph(g);
    } catch (e) {
      expect((e as GraphError).message).toContain("8 problems");
      for (const p of problems) expect((e as GraphError).message).toContain(p);
    }
  });

  it("flags invalid initializer dims", () => {
    const g = graph([node("a", "Relu", ["x"], ["y"])], {
      initializers: new Map<string, Tensor>([["neg", { dtype: "float32", dims: [-1, 2], data: new Float32Array(2) }]]),
    });
    expect(graphProblems(g)).toEqual(['initializer "neg" has invalid dimension -1 in [-1, 2]']);
  });

  it("flags a value produced by two graph inputs and a duplicated output", () => {
    const g = graph([node("a", "Relu", ["x"], ["y"])], {
      inputs: [{ name: "x", dtype: "float32" }, { name: "x", dtype: "float32" }],
      outputs: [{ name: "y", dtype: "float32" }, { name: "y", dtype: "float32" }],
    });
    expect(graphProblems(g)).toEqual(['value "x" is produced twice: by graph input and by graph input', 'graph output "y" is listed twice']);
  });
});
