// Weights onto graphs for torchvision classifiers and a ViT: a state_dict
// saved by torch.save into the architecture exported with other (default)
// weights reproduces PyTorch's outputs. The files (~250 MB) are made by
// scripts/make-pytorch-fixtures.py --large into the gitignored
// test/fixtures/large/pytorch/; test/global-setup.ts makes them when Debian's
// PyTorch is installed. Without it this file is skipped and says so.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { weightsOntoGraph } from "../../src/convert/weights-onto-graph/index.js";
import { readNpz } from "../../src/formats/numpy/npz.js";
import { readOnnx } from "../../src/formats/onnx/index.js";
import { readTorch } from "../../src/formats/pytorch/state-dict.js";
import { compareOutputs } from "../../src/runtime/compare.js";
import { runOrt } from "../../src/runtime/ort.js";

const LARGE_PYTORCH = join(import.meta.dirname, "..", "fixtures", "large", "pytorch");
/** name → the BatchNorm ε its torchvision definition uses (a state_dict does not say). */
const MODELS: readonly [string, number][] = [
  ["resnet18", 1e-5],
  ["mobilenet_v3_small", 1e-3],
  ["efficientnet_b0", 1e-5],
  ["densenet121", 1e-5],
  ["vit_tiny", 1e-5],
];
const present = MODELS.filter(([name]) => existsSync(join(LARGE_PYTORCH, `${name}.pt`)));
if (present.length < MODELS.length) {
  console.warn(`torchvision weights: ${MODELS.length - present.length} models skipped, not exported; run /usr/bin/python3 scripts/make-pytorch-fixtures.py --large (needs Debian's python3-torch).`);
}

describe.skipIf(present.length === 0)("torchvision state_dicts onto their exported graphs", () => {
  for (const [name, epsilon] of present) {
    it(`${name} reproduces PyTorch within 1e-4`, async () => {
      const at = (suffix: string) => join(LARGE_PYTORCH, `${name}${suffix}`);
      const result = weightsOntoGraph(await readOnnx(at(".onnx")), (await readTorch(at(".pt"))).tensors, { batchNormEpsilon: epsilon });
      const outputs = await runOrt(result.graph, Object.fromEntries(await readNpz(at(".inputs.npz"))));
      const diffs = compareOutputs(outputs, Object.fromEntries(await readNpz(at(".outputs.npz"))));
      expect(Math.max(...diffs.map((d) => d.maxRel))).toBeLessThan(1e-4);
    }, 120_000);
  }
});
