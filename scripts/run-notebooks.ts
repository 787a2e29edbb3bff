// `npm run notebooks [01-quickstart …]`: re-executes the tutorial notebooks in
// notebooks/ on the compactor kernel and writes each back with its outputs —
// only when it ran without an error cell, shows at least one figure in all its
// forms and stays under 1 MB. Figures use the "url" mode (plotly.js from the
// kernelspec, a static SVG for everyone else), which keeps notebooks small.
import { renameSync, rmSync } from "node:fs";
import path from "node:path";
import { MAX_NOTEBOOK_BYTES, executeNotebook, inspectNotebook, installKernel, jupyterPython, notebookFiles, notebookProblems } from "./notebooks.js";

const wanted = process.argv.slice(2);
const all = notebookFiles();
const chosen = wanted.length ? all.filter((f) => wanted.some((w) => path.basename(f).startsWith(w))) : all;
const unknown = wanted.filter((w) => !all.some((f) => path.basename(f).startsWith(w)));
if (unknown.length) {
  console.error(`npm run notebooks: no notebook in notebooks/ starts with ${unknown.map((u) => JSON.stringify(u)).join(", ")}; there are ${all.map((f) => path.basename(f)).join(", ")}`);
  process.exit(1);
}

const python = jupyterPython();
const kernel = installKernel({ COMPACTOR_PLOTLY: "url" });
let failed = 0;
try {
  for (const file of chosen) {
    const name = path.basename(file);
    const temporary = `${file}.${process.pid}.tmp`;
    process.stdout.write(`${name}: running… `);
    const result = await executeNotebook(file, temporary, kernel.env, python);
    // No summary line: nbclient itself failed (no kernel, a timeout) and wrote nothing.
    const problems = result.seconds === undefined ? [`nbclient failed:\n${result.output}`] : notebookProblems(inspectNotebook(temporary), { maxBytes: MAX_NOTEBOOK_BYTES });
    if (problems.length) {
      failed++;
      rmSync(temporary, { force: true });
      console.log(`FAILED, ${name} left as it was:\n  ${problems.join("\n  ")}`);
      continue;
    }
    const report = inspectNotebook(temporary);
    renameSync(temporary, file);
    console.log(`${result.seconds} s, ${report.codeCells} code cells, ${report.figures.length} figures, ${(report.bytes / 1024).toFixed(0)} KiB`);
  }
} finally {
  kernel.remove();
}
process.exit(failed ? 1 : 0);
