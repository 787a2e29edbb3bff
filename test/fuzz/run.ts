// `npm run fuzz [-- --runs N --seed S --target onnx]`: the long fuzz campaign
// (10,000 cases per format by default). Exits 1 when any case is a defect.
import { parseArgs } from "node:util";
import { describeCampaign, runCampaign } from "./campaign.js";
import { FUZZ_TARGETS } from "./targets.js";

const { values } = parseArgs({
  options: { verbose: { type: "boolean", default: false }, runs: { type: "string", default: "10000" }, seed: { type: "string" }, target: { type: "string", multiple: true } },
});
const runs = Number(values.runs);
const seed = values.seed === undefined ? undefined : Number(values.seed);
const targets = values.target ?? FUZZ_TARGETS.map((t) => t.name);
let failed = false;
for (const name of targets) {
  const report = await runCampaign(name, { runs, seed, maxDefects: 50 });
  console.log(describeCampaign(report));
  if (values.verbose) for (const r of report.refusals) console.log(`  ${String(r.count).padStart(6)} × ${r.message}`);
  failed ||= report.defects.length > 0 || report.seedFailures.length > 0;
}
process.exit(failed ? 1 : 0);
