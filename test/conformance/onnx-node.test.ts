// ONNX's backend node tests on the tfjs runtime: every test whose ops the
// runtime supports runs (one vitest case per op family); unsupported ones are
// listed in the summary. Fails below a 95% pass rate or on any failure that
// is not in skips.ts.
import { afterAll, describe, expect, it } from "vitest";
import { NODE_TESTS_DIR, listNodeTests, runNodeTest, type Outcome } from "./onnx-node.js";
import { SKIPS } from "./skips.js";

const TESTS = listNodeTests();
const MIN_PASS_RATE = 0.95;

/** "test_reduce_mean_keepdims" → "reduce": families keep vitest cases few and readable. */
function familyOf(name: string): string {
  return name.replace(/^test_/, "").split("_")[0] ?? name;
}
const FAMILIES = new Map<string, string[]>();
for (const name of TESTS) FAMILIES.set(familyOf(name), [...(FAMILIES.get(familyOf(name)) ?? []), name]);

const outcomes = new Map<string, Outcome>();

if (TESTS.length === 0) {
  console.warn(`ONNX node tests skipped: ${NODE_TESTS_DIR} is missing; install Debian's libonnx-testdata (.ci/run does).`);
}

describe.skipIf(TESTS.length === 0)("ONNX backend node tests (libonnx-testdata) on tfjs", () => {
  for (const [family, names] of FAMILIES) {
    it(family, async () => {
      const unexpected: string[] = [];
      for (const name of names) {
        const outcome = await runNodeTest(name);
        outcomes.set(name, outcome);
        const skipped = name in SKIPS;
        if (outcome.kind === "failed" && !skipped) unexpected.push(`${name}: ${outcome.reason}`);
        if (outcome.kind === "passed" && skipped) unexpected.push(`${name} passes now: remove it from skips.ts`);
      }
      expect(unexpected, unexpected.join("\n")).toEqual([]);
    });
  }

  it("passes at least 95% of the tests whose ops are supported", () => {
    const all = [...outcomes.values()];
    const supported = all.filter((o) => o.kind === "passed" || o.kind === "failed").length;
    const passed = all.filter((o) => o.kind === "passed").length;
    expect(supported).toBeGreaterThan(0);
    expect(passed / supported).toBeGreaterThanOrEqual(MIN_PASS_RATE);
  });

  afterAll(() => {
    const count = (kind: Outcome["kind"]) => [...outcomes.values()].filter((o) => o.kind === kind).length;
    const missing = new Map<string, number>();
    for (const o of outcomes.values()) if (o.kind === "unsupported") for (const op of o.ops) missing.set(op, (missing.get(op) ?? 0) + 1);
    const supported = count("passed") + count("failed");
    const skipped = [...outcomes.entries()].filter(([name, o]) => o.kind === "failed" && name in SKIPS).length;
    const lines = [
      `ONNX node tests: ${outcomes.size} found, ${supported} with supported ops: ${count("passed")} passed, ${count("failed")} failed ` +
        `(${skipped} of them known, in skips.ts); pass rate ${((100 * count("passed")) / Math.max(1, supported)).toFixed(1)}%`,
      `not run: ${count("unsupported")} use unsupported ops, ${count("unloadable")} cannot be loaded`,
      `unsupported ops (tests): ${[...missing.entries()].sort((a, b) => b[1] - a[1]).map(([op, n]) => `${op} (${n})`).join(", ")}`,
    ];
    if (process.env.CONFORMANCE_VERBOSE) {
      for (const [name, o] of outcomes) if (o.kind === "failed" || o.kind === "unloadable") lines.push(`  ${o.kind} ${name}: ${o.reason}`);
    }
    console.log(lines.join("\n"));
  });
});
