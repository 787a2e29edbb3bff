import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { compileFailure, runtimeFailure } from "./tracebacks.js";

describe("cell error reports", () => {
  it("names syntax errors with line and column and points at them", () => {
    const failure = compileFailure([{ start: { offset: 20, line: 1, character: 13 }, end: { offset: 21, line: 1, character: 14 }, messageText: "Expression expected.", category: 1, code: 1109 }], "const ok = 1;\nlet broken = ;");
    expect(failure.ename).toBe("SyntaxError");
    expect(failure.evalue).toBe("Expression expected. (line 2, column 14)");
    expect(failure.traceback).toEqual(["line 2, column 14: Expression expected. (TS1109)", "    let broken = ;", "                 ^"]);
  });

  it("maps a runtime stack from converted JavaScript back to cell lines", () => {
    const source = "let x: number = 1;\nfunction f(): never {\n  throw new RangeError('boom');\n}\nf()";
    const js = "exports.x = void 0;\nlet x = 1;\nexports.x = x;\nfunction f() {\n    throw new RangeError('boom');\n}\nexports.tsLastExpr = f();\n";
    let caught: unknown;
    try {
      vm.runInThisContext(`(function (exports) {\n${js}\n})({})`, { filename: "cell [3]", lineOffset: -1 });
    } catch (error) {
      caught = error;
    }
    const failure = runtimeFailure(caught, "cell [3]", js, source);
    expect(failure.ename).toBe("RangeError");
    expect(failure.evalue).toBe("boom");
    expect(failure.traceback[0]).toBe("RangeError: boom");
    expect(failure.traceback[1]).toMatch(/at f \(cell \[3\], line 3\)/);
    expect(failure.traceback[2]).toMatch(/cell \[3\], line 5/);
    // The wrapper that calls the cell is not shown: only the two frames the user wrote.
    expect(failure.traceback.filter((line) => line.includes("cell [3]"))).toHaveLength(2);
  });

  it("reports thrown non-Error values by their String()", () => {
    expect(runtimeFailure({ toString: () => "custom" }, "c", "", "")).toMatchObject({ ename: "Error", evalue: "custom" });
    expect(runtimeFailure(undefined, "c", "", "").traceback[1]).toMatch(/threw a value of type undefined/);
  });
});
