// safetensors as a registered weights format. Content test: a plausible
// header length, then a JSON object whose text starts the header.
import type { FileFormat } from "../format.js";

function looksLikeSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 10) return false;
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  // "{" then a quote (a name or "__metadata__") or "}" for an empty file.
  return length >= 2n && length <= 100_000_000n && bytes[8] === 0x7b && (bytes[9] === 0x22 || bytes[9] === 0x7d);
}

export const SAFETENSORS_FORMAT: FileFormat = {
  name: "safetensors",
  description: "safetensors weights (named tensors with a JSON header)",
  kind: "weights",
  extensions: [".safetensors"],
  sniff: ({ bytes, isDirectory }) => !isDirectory && looksLikeSafetensors(bytes),
  readWeights: async (path) => (await (await import("./safetensors.js")).readSafetensors(path)).tensors,
  writeWeights: async (weights, path) => (await import("./safetensors.js")).writeSafetensors(path, weights),
};
