import { describe, expect, it } from "vitest";
import { createRequire } from "node:module";
import type { Converter } from "tslab/dist/converter.js";
import { prepareCell } from "./cell-source.js";
import { convertCell } from "./convert-cell.js";

const require = createRequire(import.meta.url);
const converterModule = require("tslab/dist/converter.js") as typeof import("tslab/dist/converter.js");

describe("prepareCell", () => {
  it("writes shorthand properties out, in literals and in destructuring assignments, and nowhere else", () => {
    const { source } = prepareCell("const { a } = o; ({ tt, b: 1 }); ({ uu = 2 } = {}); type T = { tt: number }");
    expect(source).toBe("const { a } = o; ({ tt: tt, b: 1 }); ({ uu: uu = 2 } = {}); type T = { tt: number }");
  });

  it("drops `export`, keeping every offset after it", () => {
    const { source } = prepareCell("export const a = 1; export default function f() {}");
    expect(source).toBe("       const a = 1;                function f() {}");
  });

  it("turns export lists into names and imports, and refuses the forms that name nothing", () => {
    expect(prepareCell('export { a, b as c }; export { x } from "m"').source).toBe('const c = b; import { x } from "m"');
    const refused = prepareCell('const a = 1;\nexport * from "m"; export default a');
    expect(refused.diagnostics.map((d) => [d.start.line, d.start.character, d.code])).toEqual([
      [1, 0, 0],
      [1, 19, 0],
    ]);
    expect(refused.diagnostics[1]!.messageText).toMatch(/`export default` has no meaning in a cell/);
  });

  it("lists the top-level let and var names (a later cell may assign them)", () => {
    const { mutableNames } = prepareCell("let a = 1, { b, c: [d] } = o; const e = 1; { var f; let g } function h() { var i } for (var j of []) {}");
    expect(mutableNames).toEqual(["a", "b", "d", "f", "j"]);
  });
});

describe("convertCell", () => {
  let converter: Converter;
  it("reports diagnostics at the position as typed, after a written-out shorthand", () => {
    converter = converterModule.createConverter();
    try {
      const result = convertCell(converter, "declare const tt: number;", "const o = { tt, tt2: tt };\nconst s: string = o.tt");
      expect(result.diagnostics.map((d) => [d.start.line, d.start.character, d.code])).toEqual([[1, 6, 2322]]);
      const shifted = convertCell(converter, "declare const tt: number;", "const o = { tt }; const s: string = o.tt");
      expect(shifted.diagnostics.map((d) => d.start.offset)).toEqual([24]);
    } finally {
      converter.close();
    }
  });
});
