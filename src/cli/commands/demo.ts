// compactor demo (what `npm start` runs): MNIST teacher → student alone and
// distilled → the distilled student pruned → quantized; one comparison table
// and report.html.
import { runDemo } from "../../demo/run.js";
import type { Command } from "../command.js";
import { withDisplays } from "../display-to-stderr.js";
import { stringOption } from "../options.js";

export const demoCommand: Command = {
  name: "demo",
  summary: "train an MNIST teacher, distill a small student, prune and quantize it, compare them all and write report.html",
  usage: "demo [--out report.html] [--quick]",
  help: [
    ["--out <path>", "where to write the HTML report (default report.html)"],
    ["--quick", "a smoke run on slices of the data, one epoch each (seconds, for tests)"],
  ],
  options: { out: { type: "string" }, quick: { type: "boolean", default: false } },
  positionals: [0, 0],
  async run(input) {
    const result = await withDisplays(input.json, () =>
      runDemo({ quick: input.values.quick === true, out: stringOption(input, "out") ?? "report.html", log: input.log }),
    );
    const json = {
      report: result.report,
      seconds: result.seconds,
      models: result.rows.map((r) => ({ ...r, from: result.recipes[r.model]!.from, recipe: result.recipes[r.model]!.steps })),
    };
    // The comparison table was already displayed by the demo itself (on stdout here).
    const text = `report: ${result.report} (${result.seconds.toFixed(0)} s)`;
    return { json, text };
  },
};
