// What the fuzzer mutates: one line per file format compactor reads, with the
// real files it starts from, where that format's structure lives, and how a
// mutated copy is laid out on disk for the reader.
import { writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { protobufHotspots, zipHotspots } from "./hotspots.js";
import type { JsonView } from "./mutations.js";

export interface FuzzTarget {
  readonly name: string;
  /** Real files, relative to the repository root. */
  readonly seeds: readonly string[];
  hotspots(bytes: Uint8Array): number[];
  readonly json?: JsonView;
  /** Writes the mutated bytes where the reader looks and returns the path to read. */
  place(caseDir: string, seed: string, bytes: Uint8Array): string;
}

/** The mutated copy keeps the seed's file name, so extension and content both count in detection. */
function sameName(caseDir: string, seed: string, bytes: Uint8Array): string {
  const path = join(caseDir, basename(seed));
  writeFileSync(path, bytes);
  return path;
}

const MODELS = "test/fixtures/models";

export const FUZZ_TARGETS: readonly FuzzTarget[] = [
  {
    name: "onnx",
    seeds: ["gru", "mobile_block", "shuffle_block", "mlp"].map((m) => `${MODELS}/${m}.onnx`),
    hotspots: (bytes) => protobufHotspots(bytes),
    place: sameName,
  },
  {
    name: "npz",
    seeds: ["test/fixtures/npz/stored.npz", "test/fixtures/npz/deflated.npz", `${MODELS}/mlp.inputs.b3.npz`],
    hotspots: zipHotspots,
    place: sameName,
  },
];

export function fuzzTarget(name: string): FuzzTarget {
  const target = FUZZ_TARGETS.find((t) => t.name === name);
  if (!target) throw new Error(`no fuzz target "${name}"; targets: ${FUZZ_TARGETS.map((t) => t.name).join(", ")}`);
  return target;
}
