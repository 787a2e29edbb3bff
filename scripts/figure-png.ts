// A figure from an executed notebook as a PNG, drawn by plotly.js in headless
// Chromium from the Plotly JSON the notebook stores (for the README):
//
//   npx vite-node scripts/figure-png.ts notebooks/04-distillation.ipynb 6 docs/distillation-accuracy.png
//
// The number counts the notebook's figures from 1, in order.
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { PLOTLY_MIME } from "../src/display/plotly.js";
import { plotlyLibraryScript } from "../src/display/plotly-source.js";
import { jsonForScript } from "../src/display/plotly-loader.js";
import { launchChromium } from "../test/helpers/chromium.js";

const [notebook, which, out] = process.argv.slice(2);
if (!notebook || !which || !out) {
  console.error("usage: vite-node scripts/figure-png.ts NOTEBOOK.ipynb N OUT.png   (N counts the notebook's figures from 1)");
  process.exit(1);
}
const nb = JSON.parse(readFileSync(notebook, "utf8")) as { cells: { outputs?: { data?: Record<string, unknown> }[] }[] };
const figures = nb.cells.flatMap((c) => c.outputs ?? []).flatMap((o) => (o.data?.[PLOTLY_MIME] ? [o.data[PLOTLY_MIME]] : []));
const figure = figures[Number(which) - 1] as { data: unknown; layout?: Record<string, unknown> } | undefined;
if (!figure) {
  console.error(`${notebook} has ${figures.length} figures; there is no figure ${which}`);
  process.exit(1);
}
const page = join(mkdtempSync(join(tmpdir(), "compactor-figure-")), "figure.html");
writeFileSync(
  page,
  `<!DOCTYPE html><html><head><meta charset="utf-8"><script>${plotlyLibraryScript()}</script></head>
<body style="margin:0"><div id="figure" style="width:760px;height:400px"></div>
<script>Plotly.newPlot("figure", ${jsonForScript(figure.data)}, ${jsonForScript({ ...figure.layout, width: 760, height: 400 })}, { staticPlot: true });</script></body></html>`,
);
const browser = await launchChromium();
try {
  const tab = await browser.context.newPage();
  await tab.goto(pathToFileURL(page).href);
  await tab.waitForSelector("#figure .main-svg", { timeout: 60_000 });
  await tab.locator("#figure").screenshot({ path: out });
  console.log(`${out}: figure ${which} of ${notebook}`);
} finally {
  await browser.close();
}
