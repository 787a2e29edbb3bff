// prune.channels ratio 0.5 (l1) as a user runs it, on PyTorch exports: the
// issue's three torchvision targets (parameters and MACs ≤ 0.6×, the save
// checked against onnxruntime, valid for onnx.checker with Debian's
// python3-onnx) and other architectures from scripts/sweep-torchvision.py —
// transformer encoders and layers no target has — each pruned, run on
// onnxruntime by the step's own check, and smaller. An LSTM net whose only
// layer writes the graph output has nothing to prune, and the step says why.
// The exactness of the cut (pruned = original with the channels zeroed) is
// checked on more exports in src/compress/prune/dependency/cut.test.ts.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { channels } from "../../src/compress/prune/channels.js";
import { load } from "../../src/model/load.js";
import "../../src/model/registered-steps.js";
import { SWEEP_DIR } from "./subset.js";

const LARGE = join(import.meta.dirname, "..", "fixtures", "large");
const tmp = mkdtempSync(join(tmpdir(), "compactor-prune-sweep-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const step = () => channels({ ratio: 0.5, importance: "l1", latency: false });

function onnxChecker(file: string) {
  return spawnSync("/usr/bin/python3", ["-c", "import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)", file], { encoding: "utf8" });
}

/** Files that exist; the missing ones named once (npm test's global setup exports the targets and the sweep subset). */
function present(files: readonly string[]): string[] {
  const found = files.filter((f) => existsSync(f));
  if (found.length < files.length) console.warn(`prune.channels sweep: missing ${files.filter((f) => !found.includes(f)).join(", ")}; scripts/sweep-torchvision.py exports them`);
  return found;
}

describe("prune.channels 0.5 on the torchvision targets", () => {
  // resnet18 and mobilenet_v2 come from scripts/make-fixtures.py --large, shufflenet from the sweep subset (test/global-setup.ts makes both).
  const targets = [join(LARGE, "resnet18.onnx"), join(LARGE, "mobilenet_v2.onnx"), join(SWEEP_DIR, "shufflenet_v2_x0_5.opset13.onnx")];
  for (const file of targets) {
    const name = file.split("/").pop()!;
    it(name, async () => {
      const small = await (await load(file)).apply(step());
      const m = small.history[0]!.metrics;
      expect(m["params ratio"] as number).toBeLessThanOrEqual(0.6);
      expect(m["MACs ratio"] as number).toBeLessThanOrEqual(0.6);
      const out = join(tmp, name);
      const saved = await small.save(out);
      expect(saved.maxRelativeError).toBeLessThan(1e-3);
      const checked = onnxChecker(out);
      expect(checked.status, checked.stderr).toBe(0);
    }, 300_000);
  }
});

describe("prune.channels 0.5 on other architectures", () => {
  const cases: { file: string; params: number }[] = [
    { file: "encoder_key_padding_mask.opset13.onnx", params: 0.6 },
    { file: "encoder_norm_first_gelu.opset13.onnx", params: 0.6 },
    { file: "mobilenet_v3_large.opset13.onnx", params: 0.6 },
    { file: "squeezenet1_1.opset13.onnx", params: 0.6 },
    { file: "vit_small.opset14.onnx", params: 0.7 },
    // Run-time batch and sequence length: attention's reshapes have two unknown sizes, so its widths stay (the report says so); the feed-forward layers are cut.
    { file: "text_transformer_dynamic_seq.opset14.onnx", params: 0.9 },
    // GroupNorm, PixelShuffle, LPPool…: some layers stay whole (the report names them), the rest are cut.
    { file: "extra_layers.opset14.onnx", params: 0.7 },
  ];
  const files = new Set(present(cases.map((c) => join(SWEEP_DIR, c.file))));
  for (const c of cases.filter((c) => files.has(join(SWEEP_DIR, c.file)))) {
    it(c.file, async () => {
      const small = await (await load(join(SWEEP_DIR, c.file))).apply(step());
      const m = small.history[0]!.metrics;
      expect(m["groups pruned"] as number).toBeGreaterThan(0);
      expect(m["params ratio"] as number).toBeLessThanOrEqual(c.params);
    }, 300_000);
  }
  for (const file of present([join(SWEEP_DIR, "lstm_seq_first_state.opset14.onnx")])) {
    it("an LSTM net: nothing to prune, and why", async () => {
      await expect((await load(file)).apply(step())).rejects.toThrow(/has nothing to prune: every layer's channels must stay:\n {2}graph output "output" \(axis 1\) keeps its size/);
    });
  }
});
