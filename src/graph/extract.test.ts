import { describe, expect, it } from "vitest";
import { GraphError } from "../core/errors.js";
import { GraphBuilder } from "./builder.js";
import { pruneUnused, withOutputs } from "./extract.js";
import { float32 } from "./tensor.js";
import { validateGraph } from "./validate.js";

function twoBranches() {
  const b = new GraphBuilder({ name: "g", opset: 17 });
  const x = b.input("x", "float32", ["N", 4]);
  const [h] = b.node("MatMul", [x, b.initializer("w", float32([4, 3], new Array(12).fill(1)))], {}, { name: "fc", outputs: ["hidden"] });
  const [r] = b.node("Relu", [h], {}, { name: "relu" });
  // A dead branch: nothing reads it.
  b.node("Neg", [b.node("Mul", [x, b.initializer("unused.scale", float32([4], [1, 2, 3, 4]))], {}, { name: "dead_mul" })[0]], {}, { name: "dead_neg" });
  b.output(r, "y");
  return b.build();
}

describe("withOutputs", () => {
  it("adds intermediate values as typed outputs after the existing ones", () => {
    const g = withOutputs(twoBranches(), ["hidden", "y", "x"]);
    expect(g.outputs).toEqual([
      { name: "y", dtype: "float32", shape: ["N", 3] },
      { name: "hidden", dtype: "float32", shape: ["N", 3] },
      { name: "x", dtype: "float32", shape: ["N", 4] },
    ]);
    expect(() => validateGraph(g)).not.toThrow();
  });

  it("lists every missing name in one error", () => {
    expect(() => withOutputs(twoBranches(), ["hidden", "nope", "also_nope"])).toThrow(GraphError);
    expect(() => withOutputs(twoBranches(), ["hidden", "nope", "also_nope"])).toThrow(/no values named "nope", "also_nope"/);
  });
});

describe("pruneUnused", () => {
  it("removes nodes and initializers no output depends on", () => {
    const g = pruneUnused(twoBranches());
    expect(g.nodes.map((n) => n.name)).toEqual(["fc", "relu"]);
    expect([...g.initializers.keys()]).toEqual(["w"]);
    expect(g.valueInfo.has("dead_neg_output_0")).toBe(false);
    expect(() => validateGraph(g)).not.toThrow();
  });

  it("keeps what an added output needs", () => {
    const withDead = withOutputs(twoBranches(), ["dead_neg_output_0"]);
    expect(pruneUnused(withDead).nodes.map((n) => n.name)).toEqual(["fc", "relu", "dead_mul", "dead_neg"]);
  });
});
