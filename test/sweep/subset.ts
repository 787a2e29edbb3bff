// The sweep models `npm test` checks (sweep-subset.test.ts), shared with
// test/global-setup.ts, which exports the missing ones before the run.
import { join } from "node:path";

export const SWEEP_DIR = join(import.meta.dirname, "..", "fixtures", "large", "sweep");

/** file → why it is in the subset (and the integer range of token inputs). */
export const SUBSET: readonly { file: string; covers: string; intMax?: number }[] = [
  { file: "mobilenet_v3_small.opset14.onnx", covers: "HardSwish-14, HardSigmoid squeeze-excite, depthwise convs" },
  { file: "shufflenet_v2_x0_5.opset13.onnx", covers: "channel split and shuffle (Reshape/Transpose) between convs" },
  { file: "vit_small.opset14.onnx", covers: "torchvision VisionTransformer: patch conv, class token, GELU (Erf)" },
  { file: "encoder_key_padding_mask.opset13.onnx", covers: "TransformerEncoder with a bool key padding mask input" },
  { file: "text_transformer_dynamic_seq.opset14.onnx", covers: "run-time sequence length, Embedding, positions sliced by shape", intMax: 50 },
  { file: "lstm_seq_first_state.opset14.onnx", covers: "bidirectional LSTM, batch on axis 1, initial states as inputs" },
  { file: "gru_seq_first_dynamic_seq.opset13.onnx", covers: "2-layer bidirectional GRU, sequence-first, run-time length" },
  { file: "extra_layers.opset14.onnx", covers: "GroupNorm, CELU, Mish, LPPool, PixelShuffle, sign/round, isnan, logsumexp" },
];


/** The scripts/sweep-torchvision.py model name of a subset file ("vit_small.opset14.onnx" → "vit_small"). */
export function modelName(file: string): string {
  return file.replace(/\.opset\d+\.onnx$/, "");
}
