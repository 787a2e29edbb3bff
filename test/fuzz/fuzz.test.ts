// Fuzzed parsers (issue 15): mutated real files of every format compactor
// reads end in a model or weights, or in a CompactorError — within 2 s and
// 500 MB per case, never an uncaught exception, a hang or a crash. 500 cases
// per format here; `npm run fuzz` runs 10,000.
import { describe, expect, it } from "vitest";
import { describeCampaign, runCampaign } from "./campaign.js";
import { FUZZ_TARGETS } from "./targets.js";

const RUNS = 500;

describe("fuzzed file formats", () => {
  for (const target of FUZZ_TARGETS) {
    it(`${target.name}: ${RUNS} mutated files end in a result or a CompactorError`, async () => {
      const report = await runCampaign(target.name, { runs: RUNS });
      console.log(describeCampaign(report));
      expect(report.seedFailures, describeCampaign(report)).toEqual([]);
      expect(report.defects, describeCampaign(report)).toEqual([]);
      expect(report.ran).toBe(RUNS);
      // The mutations must reach the parser's error paths, not only weights.
      expect(report.ran - report.read).toBeGreaterThan(RUNS / 10);
    }, 600_000);
  }
});
