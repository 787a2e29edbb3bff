// The op table's one lookup rule, and attaching rules and implementations to it.
import { describe, expect, it } from "vitest";
import { DEFAULT_META, type Graph, type Node } from "../types.js";
import { defineOp, versionsOf } from "./define.js";
import { resolveAttrs, type AttrProblem } from "./resolve-attrs.js";
import { OpTable, UNDECLARED_OPSET, attach, opsetOf } from "./table.js";

const Squash = defineOp("Squash", { 1: { attributes: { axis: { type: "int", default: 0 } } }, 5: {}, 9: {} });
const Custom = defineOp("Custom", { 1: {}, 3: {} }, { domain: "com.example" });
const table = new OpTable(versionsOf(Squash, Custom));

const graph = (opsets: Record<string, number>): Graph => ({
  name: "g", nodes: [], inputs: [], outputs: [], initializers: new Map(), valueInfo: new Map(), opsets, meta: DEFAULT_META,
});
const node = (opType: string, domain = "", attributes: Node["attributes"] = {}): Node => ({ name: "n", opType, domain, inputs: [], outputs: ["y"], attributes });

describe("OpTable", () => {
  it("resolves the newest version at or below the opset", () => {
    expect(table.lookup("", "Squash", 4)).toBe(Squash[1]);
    expect(table.lookup("", "Squash", 5)).toBe(Squash[5]);
    expect(table.lookup("ai.onnx", "Squash", 30)).toBe(Squash[9]);
    expect(table.lookup("", "Nothing", 30)).toBeUndefined();
  });

  it("looks each node up at its own domain's opset; an undeclared domain resolves nothing", () => {
    const g = graph({ "": 17, "com.example": 2 });
    expect(table.forNode(g, node("Squash"))).toEqual({ version: Squash[9], opset: 17 });
    expect(table.forNode(g, node("Custom", "com.example"))).toEqual({ version: Custom[1], opset: 2 });
    expect(table.forNode(graph({ "": 17 }), node("Custom", "com.example"))).toEqual({ version: undefined, opset: UNDECLARED_OPSET });
    expect(table.forNode(graph({ "ai.onnx": 6 }), node("Squash", "ai.onnx"))).toEqual({ version: Squash[5], opset: 6 });
    expect(opsetOf(graph({}), "")).toBe(UNDECLARED_OPSET);
  });

  it("lists an op's history newest first, and refuses a version listed twice", () => {
    expect(table.history(Squash[5])).toEqual([Squash[5], Squash[1]]);
    expect(() => new OpTable([...versionsOf(Squash), Squash[5]])).toThrow(/Squash since 5 twice/);
  });
});

describe("attach", () => {
  it("binds items to the versions they name exactly and lists every one that names none", () => {
    const bound = attach(table, [{ opType: "Squash", since: 5 }, { opType: "Custom", domain: "com.example", since: 3 }], "rules");
    expect([...bound.keys()]).toEqual([Squash[5], Custom[3]]);
    expect(() => attach(table, [{ opType: "Squash", since: 4 }, { opType: "Custom", since: 1 }, { opType: "Squash", since: 1 }, { opType: "Squash", since: 1 }], "rules")).toThrow(
      /3 entries attach to no op version:\n {2}ai\.onnx Squash since 4 matches no version.*\n {2}ai\.onnx Custom since 1 matches no version.*\n {2}ai\.onnx Squash since 1 is listed twice/,
    );
  });
});

describe("resolveAttrs", () => {
  it("fills declared defaults, types the values, and lists every problem", () => {
    const problems: AttrProblem[] = [];
    const attrs = resolveAttrs(node("Squash"), Squash[1].attributes, problems, "the tfjs runtime");
    const axis: number = attrs.axis;
    expect(axis).toBe(0);
    resolveAttrs(node("Squash", "", { axis: { type: "string", value: "x" }, extra: { type: "int", value: 1 } }), Squash[1].attributes, problems, "the tfjs runtime");
    expect(problems.map((p) => p.message)).toEqual(['attribute "axis" must be int, got string', 'attribute "extra" is not implemented on the tfjs runtime (known: axis)']);
  });
});
