// The committed tutorial notebooks, as a reader finds them on GitHub or in a
// fresh checkout: executed, no error cells, small enough to share, and every
// figure in three forms (Plotly JSON, text/html holding the static SVG, and
// image/svg+xml on its own), with no copy of plotly.js inside.
// `npm run notebooks` rewrites them; test/notebooks/execute-notebooks.test.ts
// runs them again on the kernel.
import path from "node:path";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MAX_NOTEBOOK_BYTES, inspectNotebook, notebookFiles, notebookProblems } from "../../scripts/notebooks.js";

const files = notebookFiles();

describe("committed notebooks", () => {
  it("include the quick start and the pruning, quantization, distillation, conversion and pipeline tutorials", () => {
    expect(files.map((f) => path.basename(f))).toEqual(
      expect.arrayContaining(["01-quickstart.ipynb", "02-pruning.ipynb", "03-quantization.ipynb", "04-distillation.ipynb", "05-conversion.ipynb", "06-pipeline.ipynb"]),
    );
  });

  for (const file of files) {
    describe(path.basename(file), () => {
      const report = inspectNotebook(file);

      it("is stored executed, without errors, with its figures in all three forms, under 1 MB", () => {
        expect(notebookProblems(report, { maxBytes: MAX_NOTEBOOK_BYTES })).toEqual([]);
        expect(report.bytes).toBeLessThan(MAX_NOTEBOOK_BYTES);
        expect(report.inlinedLibrary).toBe(0);
      });

      it("is a tutorial on the compactor kernel: prose between the code", () => {
        const nb = JSON.parse(readFileSync(file, "utf8"));
        expect(nb.metadata.kernelspec).toMatchObject({ name: "compactor", language: "typescript" });
        expect(report.markdownCells).toBeGreaterThanOrEqual(Math.ceil(report.codeCells / 2));
      });
    });
  }
});
