// A fast, representative slice of the robustness sweep (bench/sweep.mjs runs
// all of it): one model per risky feature, on the tfjs runtime against
// onnxruntime at batch 1 and 2. The models are exported by
// scripts/sweep-torchvision.py into the gitignored test/fixtures/large/sweep/;
// test/global-setup.ts exports them when Debian's PyTorch is installed (~15 s);
// without it this file is skipped and says so.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { readOnnx } from "../../src/formats/onnx/index.js";
import { randomInputs } from "../../src/runtime/random-inputs.js";
import { expectMatchesOrt } from "../helpers/expect-matches-ort.js";

import { SUBSET, SWEEP_DIR } from "./subset.js";

const present = SUBSET.filter((m) => existsSync(join(SWEEP_DIR, m.file)));
const missing = SUBSET.filter((m) => !present.includes(m));
if (missing.length > 0) {
  console.warn(
    `sweep subset: ${missing.length} of ${SUBSET.length} models skipped, not exported (${missing.map((m) => m.file).join(", ")}); ` +
      `run /usr/bin/python3 scripts/sweep-torchvision.py to export them (needs Debian's python3-torch and python3-torchvision).`,
  );
}

describe.skipIf(present.length === 0)("torchvision sweep subset: tfjs matches onnxruntime", () => {
  for (const model of present) {
    it(`${model.file} (${model.covers})`, async () => {
      const graph = await readOnnx(join(SWEEP_DIR, model.file));
      for (const batch of [1, 2]) {
        // seq 7 differs from the export-time length (11): shapes must really be computed at run time.
        const inputs = randomInputs(graph, { seed: 3 + batch, batch, dims: { batch, seq: 7 }, intMax: model.intMax ?? 2 });
        await expectMatchesOrt(graph, inputs);
      }
    }, 120_000);
  }
});
