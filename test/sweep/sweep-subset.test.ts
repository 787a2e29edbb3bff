// A fast, representative slice of the robustness sweep (bench/sweep.mjs runs
// all of it): one model per risky feature, on the tfjs runtime against
// onnxruntime at batch 1 and 2. The models are exported by
// scripts/sweep-torchvision.py into the gitignored test/fixtures/large/sweep/;
// without them this file is skipped and says so.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { readOnnx } from "../../src/formats/onnx.js";
import { randomInputs } from "../../src/runtime/random-inputs.js";
import { expectMatchesOrt } from "../helpers/expect-matches-ort.js";

const SWEEP_DIR = join(import.meta.dirname, "..", "fixtures", "large", "sweep");

/** file → why it is in the subset (and the integer range of token inputs). */
const SUBSET: readonly { file: string; covers: string; intMax?: number }[] = [
  { file: "mobilenet_v3_small.opset14.onnx", covers: "HardSwish-14, HardSigmoid squeeze-excite, depthwise convs" },
  { file: "shufflenet_v2_x0_5.opset13.onnx", covers: "channel split and shuffle (Reshape/Transpose) between convs" },
  { file: "vit_small.opset14.onnx", covers: "torchvision VisionTransformer: patch conv, class token, GELU (Erf)" },
  { file: "encoder_key_padding_mask.opset13.onnx", covers: "TransformerEncoder with a bool key padding mask input" },
  { file: "text_transformer_dynamic_seq.opset14.onnx", covers: "run-time sequence length, Embedding, positions sliced by shape", intMax: 50 },
  { file: "lstm_seq_first_state.opset14.onnx", covers: "bidirectional LSTM, batch on axis 1, initial states as inputs" },
  { file: "gru_seq_first_dynamic_seq.opset13.onnx", covers: "2-layer bidirectional GRU, sequence-first, run-time length" },
  { file: "extra_layers.opset14.onnx", covers: "GroupNorm, CELU, Mish, LPPool, PixelShuffle, sign/round, isnan, logsumexp" },
];

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
