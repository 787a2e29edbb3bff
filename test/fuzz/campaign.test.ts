// The fuzz harness catches what it exists to catch: a case that throws a
// non-CompactorError, hangs, exhausts the heap or holds too much memory is a
// defect naming that case, and the campaign goes on with the next one.
import { describe, expect, it } from "vitest";
import { runCampaign } from "./campaign.js";
import type { Probe } from "./worker.js";

/** Each probe, what the campaign must say, and the case time limit (only "hang" should meet it). A heap blow-up is caught by whichever comes first: the worker's heap limit or the RSS watch. */
const PROBES: [Probe, RegExp, number][] = [
  ["throw", /uncaught TypeError: probe: a reader bug/, 10_000],
  ["hang", /still running after 500 ms/, 500],
  ["heap", /the worker died|resident memory grew by \d+ MB/, 90_000],
  ["buffers", /resident memory grew by \d+ MB \(limit 300 MB\)/, 90_000],
];

describe("fuzz campaign harness", () => {
  for (const [kind, problem, caseMs] of PROBES) {
    it(`reports a case that misbehaves (${kind}) and runs the rest`, async () => {
      const report = await runCampaign("npz", { runs: 8, caseMs, memoryMb: 300, probe: { at: 3, kind } });
      expect(report.defects.map((d) => d.index)).toEqual([3]);
      expect(report.defects[0]!.problem).toMatch(problem);
      expect(report.ran).toBe(8);
    }, 120_000);
  }
});
