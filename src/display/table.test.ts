import { describe, it, expect } from "vitest";
import { table, formatCell } from "./table.js";
import { summaryTable, humanBytes, humanCount } from "./summary.js";
import { toMimeBundle } from "./bundle.js";
import { OptionError } from "../core/errors.js";

describe("table", () => {
  it("draws a box table with numbers right-aligned, and an HTML twin", () => {
    const t = table(
      [
        { name: "conv1", params: 1200, ratio: 0.51234 },
        { name: "fc", params: 10, ratio: 1 },
      ],
      { title: "Layers" },
    );
    const b = toMimeBundle(t);
    expect(b["text/plain"]).toBe(
      [
        "Layers",
        "┌───────┬────────┬────────┐",
        "│ name  │ params │ ratio  │",
        "├───────┼────────┼────────┤",
        "│ conv1 │  1,200 │ 0.5123 │",
        "│ fc    │     10 │      1 │",
        "└───────┴────────┴────────┘",
      ].join("\n"),
    );
    const h = b["text/html"] as string;
    expect(h).toContain("<caption");
    expect(h).toContain('<td style="text-align:right">1,200</td>');
    expect(h).toContain('<td style="text-align:left">conv1</td>');
  });
  it("takes column specs, array rows, escapes HTML and flattens newlines in text", () => {
    const t = table([["<a>", "x\ny"]], { columns: [{ key: 0, label: "tag" }, { key: 1, label: "v", align: "right" }] });
    const b = toMimeBundle(t);
    expect(b["text/html"]).toContain("&lt;a&gt;");
    expect(b["text/plain"]).toContain("│ <a> │ x y │");
  });
  it("collects keys from every row and leaves missing cells empty", () => {
    const t = table([{ a: 1 }, { b: "z" }]);
    expect(t.header).toEqual(["a", "b"]);
    expect(t.cells).toEqual([["1", ""], ["", "z"]]);
  });
  it("rejects an unknown alignment, naming the choices", () => {
    expect(() => table([{ a: 1 }], { columns: [{ key: "a", align: "middle" as "left" }] })).toThrow(OptionError);
    expect(() => table([{ a: 1 }], { columns: [{ key: "a", align: "middle" as "left" }] })).toThrow(/must be one of \[left, right\]/);
  });
  it("formats cells", () => {
    expect(formatCell(1234567)).toBe("1,234,567");
    expect(formatCell(0.000012346)).toBe("1.235e-5");
    expect(formatCell(3.14159)).toBe("3.142");
    expect(formatCell(NaN)).toBe("NaN");
    expect(formatCell(null)).toBe("");
    expect(table([]).header).toEqual([]);
    expect(toMimeBundle(table([]))["text/plain"]).toBe("(empty table)");
  });
});

describe("summaryTable", () => {
  const summary = {
    params: 101_770,
    macs: 101_632,
    bytes: 407_080,
    opset: 17,
    opHistogram: { Gemm: 2, Relu: 1 },
    inputs: [{ name: "x", shape: [null, 784], dtype: "float32" }],
    outputs: [{ name: "y", shape: ["N", 10], dtype: "float32" }],
    layers: [
      { name: "fc1", opType: "Gemm", params: 100_480, macs: 100_352, outputShape: [null, 128] },
      { name: "relu", opType: "Relu", params: 0, macs: 0, outputShape: [null, 128] },
      { name: "fc2", opType: "Gemm", params: 1290, macs: 1280, outputShape: [null, 10] },
    ],
  };
  it("shows layers, totals, I/O and ops in text and HTML", () => {
    const b = toMimeBundle(summaryTable(summary, { title: "mlp" }));
    const text = b["text/plain"];
    expect(text).toContain("│ fc1   │ Gemm │ [?, 128] │ 100,480 │ 100,352 │");
    expect(text).toContain("params 102 k · MACs 102 k · size 398 KiB · opset 17");
    expect(text).toContain("inputs: x [?, 784] float32");
    expect(text).toContain("outputs: y [N, 10] float32");
    expect(text).toContain("ops: Gemm×2 Relu×1");
    expect(b["text/html"]).toContain("<table");
    expect(b["text/html"]).toContain("ops: Gemm×2 Relu×1");
  });
  it("cuts long layer lists with a note", () => {
    const text = toMimeBundle(summaryTable(summary, { maxLayers: 1 }))["text/plain"];
    expect(text).toContain("… 2 more layers");
    expect(text).not.toContain("fc2");
  });
  it("humanizes counts and bytes", () => {
    expect(humanCount(999)).toBe("999");
    expect(humanCount(1_234_567)).toBe("1.23 M");
    expect(humanBytes(512)).toBe("512 B");
    expect(humanBytes(4.5 * 1024 * 1024)).toBe("4.50 MiB");
  });
});
