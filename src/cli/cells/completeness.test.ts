import { describe, expect, it } from "vitest";
import { cellCompleteness } from "./completeness.js";

describe("cellCompleteness", () => {
  it.each([
    ["1", "complete"],
    ["const s = `abc`;", "complete"],
    ["const s = `a ${1} b`", "complete"],
    ["function f() {", "incomplete"],
    ["const a = [1,", "incomplete"],
    ["const s = `abc", "incomplete"],
    ["const s = `line one\nline two", "incomplete"],
    ["const s = `a ${1} b", "incomplete"],
    ["const s = `a ${", "incomplete"],
    ["const = 5", "invalid"],
    ["1 +* 2", "invalid"],
    ['const s = "abc', "invalid"],
  ] as const)("%j is %s", (src, status) => {
    expect(cellCompleteness(src).status).toBe(status);
  });

  it("continues a template without indenting its text", () => {
    expect(cellCompleteness("const s = `abc")).toEqual({ status: "incomplete", indent: "" });
  });
});
