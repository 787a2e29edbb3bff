import { describe, expect, it } from "vitest";
import { GraphError, ShapeError } from "../core/errors.js";
import { GraphBuilder, attr, toAttribute } from "./builder.js";
import { float32 } from "./tensor.js";
import { validateGraph } from "./validate.js";

function mlp() {
  const b = new GraphBuilder({ name: "mlp", opset: 17 });
  const x = b.input("input", "float32", ["N", 784]);
  const w = b.initializer("fc1.weight", float32([300, 784], new Float32Array(300 * 784)));
  const bias = b.initializer("fc1.bias", float32([300], new Float32Array(300)));
  const [h] = b.node("Gemm", [x, w, bias], { transB: 1, alpha: 1 });
  const [r] = b.node("Relu", [h]);
  b.output(r, "logits");
  return b.build();
}

describe("GraphBuilder", () => {
  it("builds a valid, shaped graph with the brief's example", () => {
    const g = mlp();
    expect(() => validateGraph(g)).not.toThrow();
    expect(g.opsets).toEqual({ "": 17 });
    expect(g.nodes.map((n) => [n.name, n.opType, n.outputs[0]])).toEqual([
      ["Gemm_0", "Gemm", "Gemm_0_output_0"],
      ["Relu_0", "Relu", "logits"],
    ]);
    expect(g.outputs).toEqual([{ name: "logits", dtype: "float32", shape: ["N", 300] }]);
    expect(g.valueInfo.get("Gemm_0_output_0")).toEqual({ name: "Gemm_0_output_0", dtype: "float32", shape: ["N", 300] });
  });

  it("types attributes: whole numbers are ints, fractions and known float attributes are floats", () => {
    const g = mlp();
    expect(g.nodes[0].attributes).toEqual({ transB: { type: "int", value: 1 }, alpha: { type: "float", value: 1 } });
    expect(toAttribute("epsilon", 1e-5)).toEqual({ type: "float", value: 1e-5 });
    expect(toAttribute("axis", -1)).toEqual({ type: "int", value: -1 });
    expect(toAttribute("scales", [1, 2.5])).toEqual({ type: "floats", value: [1, 2.5] });
    expect(toAttribute("pads", [1, 1])).toEqual({ type: "ints", value: [1, 1] });
    expect(toAttribute("mode", "nearest")).toEqual({ type: "string", value: "nearest" });
    expect(toAttribute("keepdims", false)).toEqual({ type: "int", value: 0 });
    expect(toAttribute("anything", attr.float(2))).toEqual({ type: "float", value: 2 });
    expect(toAttribute("value", float32([1], [3]))).toMatchObject({ type: "tensor" });
  });

  it("makes node and value names unique and refuses duplicates given by hand", () => {
    const b = new GraphBuilder({ name: "g", opset: 17 });
    const x = b.input("x", "float32", [2]);
    const [a] = b.node("Relu", [x]);
    const [c] = b.node("Relu", [a]);
    expect([a, c]).toEqual(["Relu_0_output_0", "Relu_1_output_0"]);
    expect(() => b.input("x", "float32", [2])).toThrow(GraphError);
    expect(() => b.node("Relu", [x], {}, { name: "Relu_0" })).toThrow(/node name "Relu_0" is already used/);
    expect(() => b.node("Relu", [x], {}, { outputs: ["x"] })).toThrow(/value name "x" is already used/);
  });

  it("renames an input or initializer output through an Identity", () => {
    const b = new GraphBuilder({ name: "g", opset: 17 });
    const x = b.input("x", "float32", [2]);
    b.output(x, "y");
    const g = b.build();
    expect(g.nodes.map((n) => n.opType)).toEqual(["Identity"]);
    expect(g.outputs[0]).toEqual({ name: "y", dtype: "float32", shape: [2] });
  });

  it("build() fails on dangling inputs and on inconsistent shapes", () => {
    const dangling = new GraphBuilder({ name: "g", opset: 17 });
    dangling.output(dangling.node("Relu", ["nowhere"])[0]);
    expect(() => dangling.build()).toThrow(/reads "nowhere", which is neither/);

    const mismatched = new GraphBuilder({ name: "g", opset: 17 });
    const x = mismatched.input("x", "float32", [2, 3]);
    const y = mismatched.input("y", "float32", [4]);
    mismatched.output(mismatched.node("Add", [x, y])[0]);
    expect(() => mismatched.build()).toThrow(ShapeError);
    // Tests of error paths elsewhere can still get the broken graph on purpose.
    expect(mismatched.buildUnchecked().nodes.map((n) => n.opType)).toEqual(["Add"]);
  });

  it("sorts nodes added out of order", () => {
    const b = new GraphBuilder({ name: "g", opset: 17 });
    const x = b.input("x", "float32", [2]);
    const [y] = b.node("Relu", ["later"], {}, { name: "second" });
    b.node("Neg", [x], {}, { name: "first", outputs: ["later"] });
    b.output(y);
    expect(b.build().nodes.map((n) => n.name)).toEqual(["first", "second"]);
  });
});
