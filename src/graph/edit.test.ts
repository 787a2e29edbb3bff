import { describe, expect, it } from "vitest";
import { GraphError } from "../core/errors.js";
import { runOrt } from "../runtime/ort.js";
import { GraphBuilder } from "./builder.js";
import { GraphEdit, editGraph } from "./edit.js";
import { float32 } from "./tensor.js";
import type { Graph } from "./types.js";

// x → fc (MatMul) → hidden → relu → y
function mlp(): Graph {
  const b = new GraphBuilder({ name: "g", opset: 17 });
  const x = b.input("x", "float32", ["N", 2]);
  const w = b.initializer("w", float32([2, 2], [1, -2, 3, 4]));
  const [h] = b.node("MatMul", [x, w], {}, { name: "fc", outputs: ["hidden"] });
  const [r] = b.node("Relu", [h], {}, { name: "relu" });
  b.output(r, "y");
  return b.build();
}

const feeds = { x: float32([1, 2], [1, 1]) };
const run = async (g: Graph) => Array.from((await runOrt(g, feeds))[g.outputs[0]!.name]!.data as Float32Array);

describe("GraphEdit", () => {
  it("makes names no value, node or initializer uses", () => {
    const edit = new GraphEdit(mlp());
    expect(edit.freshName("w")).toBe("w_1");
    expect(edit.freshName("w")).toBe("w_2");
    expect(edit.freshName("fc")).toBe("fc_1");
    expect(edit.freshName("scale")).toBe("scale");
  });

  it("inserts a node between a value and its consumers, in topological order", async () => {
    // hidden · 2 before the Relu: y = relu(2·x·w)
    const g = editGraph(mlp(), (edit) => {
      const scaled = edit.freshName("hidden_scaled");
      const two = edit.addInitializer("two", float32([], [2]));
      const mul = edit.addNode({ opType: "Mul", inputs: ["hidden", two], outputs: [scaled] });
      edit.rewire("hidden", scaled, { except: [mul.name] });
    });
    expect(g.nodes.map((n) => n.opType)).toEqual(["MatMul", "Mul", "Relu"]);
    expect(await run(g)).toEqual([8, 4]);
    expect(await run(mlp())).toEqual([4, 2]);
  });

  it("replaces a node by several and keeps its name available", async () => {
    const g = editGraph(mlp(), (edit) => {
      edit.replaceNode("relu", [
        { name: "relu", opType: "Neg", inputs: ["hidden"], outputs: ["neg"] },
        { opType: "Neg", inputs: ["neg"], outputs: ["y"] },
      ]);
    });
    expect(g.nodes.map((n) => n.name)).toEqual(["fc", "relu", "Neg"]);
    expect(await run(g)).toEqual([4, 2]);
  });

  it("removes a node and rewires its readers, graph outputs included", async () => {
    const g = editGraph(mlp(), (edit) => edit.removeNode("relu", { y: "hidden" }));
    expect(g.outputs.map((o) => o.name)).toEqual(["hidden"]);
    expect(await run(g)).toEqual([4, 2]);
  });

  it("refuses to leave a value read but never produced, naming it", () => {
    const edit = new GraphEdit(mlp());
    expect(() => edit.removeNode("fc")).toThrow(GraphError);
    expect(() => new GraphEdit(mlp()).removeNode("fc")).toThrow(/leaves "hidden" read but never produced/);
  });

  it("names a missing node and a node name already taken", () => {
    expect(() => new GraphEdit(mlp()).node("conv9")).toThrow(/no node named "conv9"/);
    expect(() => new GraphEdit(mlp()).addNode({ name: "fc", opType: "Relu", inputs: ["x"], outputs: ["z"] })).toThrow(/already has a node named "fc"/);
  });

  it("swaps an initializer and forgets the shapes of edited values", async () => {
    const original = mlp();
    expect(original.valueInfo.get("hidden")?.shape).toEqual(["N", 2]);
    const g = editGraph(original, (edit) => {
      edit.setInitializer("w", float32([2, 3], [1, 0, 0, 0, 1, 0]));
    });
    // Everything computed from the new weight has a stale shape: dropped, for shape inference to redo.
    expect(g.valueInfo.has("hidden")).toBe(false);
    expect(g.outputs[0]).toEqual({ name: "y", dtype: "float32" });
    expect(await run(g)).toEqual([1, 1, 0]);
    // The source graph is untouched.
    expect(original.initializers.get("w")!.dims).toEqual([2, 2]);
  });

  it("drops what no output needs when asked", () => {
    const g = editGraph(
      mlp(),
      (edit) => {
        edit.addInitializer("orphan", float32([1], [0]));
        edit.removeNode("relu", { y: "hidden" });
      },
      { pruneUnused: true },
    );
    expect([...g.initializers.keys()]).toEqual(["w"]);
  });

  it("reports an edit that breaks the graph where it happened", () => {
    expect(() => editGraph(mlp(), (edit) => edit.addNode({ opType: "Relu", inputs: ["nowhere"], outputs: ["z"] }))).toThrow(
      /reads "nowhere", which is neither a graph input/,
    );
  });
});
