// NumPy's .npz (a zip of .npy arrays) as a registered weights format: inputs,
// calibration data and plain weight maps.
import type { FileFormat } from "../format.js";

const ZIP_LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04];

/** The first entry's name in a zip's first local file header (offset 26: name length, 30: name). */
export function firstZipEntryName(bytes: Uint8Array): string | undefined {
  if (bytes.length < 30 || !ZIP_LOCAL_HEADER.every((b, i) => bytes[i] === b)) return undefined;
  const nameLength = bytes[26]! | (bytes[27]! << 8);
  if (30 + nameLength > bytes.length) return undefined;
  return new TextDecoder().decode(bytes.subarray(30, 30 + nameLength));
}

export const NPZ_FORMAT: FileFormat = {
  name: "npz",
  description: "NumPy .npz archive of named arrays",
  kind: "weights",
  extensions: [".npz"],
  sniff: ({ bytes }) => firstZipEntryName(bytes)?.endsWith(".npy") === true,
  readWeights: async (path) => (await import("./npz.js")).readNpz(path),
  writeWeights: async (weights, path) => (await import("./npz.js")).writeNpz(path, weights),
};
