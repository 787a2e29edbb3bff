import { describe, expect, it } from "vitest";
import { GraphBuilder } from "./builder.js";
import { float32 } from "./tensor.js";
import { upgradeOpset } from "./upgrade-opset.js";
import { runOrt } from "../runtime/ort.js";
import { validateGraph } from "./validate.js";

function reduceAndSplit(opset: number) {
  const b = new GraphBuilder({ name: "g", opset });
  const x = b.input("x", "float32", [2, 4]);
  const [m] = b.node("ReduceMean", [x], { axes: [1], keepdims: 1 });
  const [s0, s1] = b.node("Split", [x], { axis: 1 }, { outputs: 2 });
  const [y] = b.node("Add", [s0!, s1!]);
  b.output(b.node("Mul", [y!, m!])[0]!, "y");
  return b.build();
}

describe("upgradeOpset", () => {
  it("moves Reduce* axes to an input and gives Split num_outputs, computing the same values", async () => {
    const before = reduceAndSplit(17);
    const after = upgradeOpset(before, 21);
    validateGraph(after);
    expect(after.opsets[""]).toBe(21);
    expect(after.meta.irVersion).toBe(10);
    const reduce = after.nodes.find((n) => n.opType === "ReduceMean")!;
    expect(reduce.attributes.axes).toBeUndefined();
    expect([...after.initializers.get(reduce.inputs[1]!)!.data]).toEqual([1n]);
    expect(after.nodes.find((n) => n.opType === "Split")!.attributes.num_outputs).toEqual({ type: "int", value: 2 });
    const x = float32([2, 4], [1, 2, 3, 4, -1, 5, 2, 0]);
    expect([...(await runOrt(after, { x })).y!.data]).toEqual([...(await runOrt(before, { x })).y!.data]);
  });

  it("leaves a graph at or above the target alone and refuses opsets below 13", () => {
    const g = reduceAndSplit(17);
    expect(upgradeOpset(g, 17)).toBe(g);
    expect(() => upgradeOpset(reduceAndSplit(11), 21)).toThrow(/opset 11; upgrading it to 21 is supported from opset 13/);
  });

  it("lists ops whose meaning changed instead of carrying them over", () => {
    const b = new GraphBuilder({ name: "gn", opset: 18 });
    const x = b.input("x", "float32", [1, 4, 2]);
    const s = b.initializer("s", float32([2], [1, 1]));
    const t = b.initializer("t", float32([2], [0, 0]));
    b.output(b.node("GroupNormalization", [x, s, t], { num_groups: 2 }, { name: "gn1" })[0]!, "y");
    expect(() => upgradeOpset(b.build(), 21)).toThrow(/node "gn1" \(GroupNormalization\): at opset 21 scale and bias became per channel/);
  });
});
