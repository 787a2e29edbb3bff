// What the fuzzer mutates: one line per file format compactor reads, with the
// real files it starts from, where that format's structure lives, and how a
// mutated copy is laid out on disk for the reader.
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { readTfjsLayersModel } from "../../src/formats/tfjs/layers-model.js";
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
  /** How the mutated file is read; by default as `load()` or `compactor convert` reads it (format found by content). */
  read?(path: string): Promise<unknown>;
}

/** The mutated copy keeps the seed's file name, so extension and content both count in detection. */
function sameName(caseDir: string, seed: string, bytes: Uint8Array): string {
  const path = join(caseDir, basename(seed));
  writeFileSync(path, bytes);
  return path;
}

const MODELS = "test/fixtures/models";
const PYTORCH = "test/fixtures/pytorch";

/** safetensors: an 8-byte little-endian header length, then the JSON header, then the data. */
const SAFETENSORS_HEADER: JsonView = {
  read(bytes) {
    const length = Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true));
    return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
  },
  write(bytes, json) {
    const length = Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true));
    const header = new TextEncoder().encode(JSON.stringify(json));
    const out = new Uint8Array(8 + header.length + bytes.length - 8 - length);
    new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
    out.set(header, 8);
    out.set(bytes.subarray(8 + length), 8 + header.length);
    return out;
  },
};

const WHOLE_JSON: JsonView = {
  read: (bytes) => JSON.parse(new TextDecoder().decode(bytes)),
  write: (_bytes, json) => new TextEncoder().encode(JSON.stringify(json)),
};

/** A TF.js model is a folder: the mutated model.json beside unmutated copies of the seed's shards. */
function tfjsFolder(caseDir: string, seed: string, bytes: Uint8Array): string {
  const folder = join(caseDir, basename(dirname(seed)));
  if (!existsSync(folder)) {
    mkdirSync(folder);
    for (const name of readdirSync(dirname(seed))) if (name !== "model.json") copyFileSync(join(dirname(seed), name), join(folder, name));
  }
  writeFileSync(join(folder, "model.json"), bytes);
  return join(folder, "model.json");
}

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
  {
    name: "safetensors",
    seeds: [`${PYTORCH}/mlp_norms.safetensors`],
    hotspots: (bytes) => [0, 1, 2, 3, 4, 5, 6, 7].filter((i) => i < bytes.length),
    json: SAFETENSORS_HEADER,
    place: sameName,
  },
  {
    name: "pytorch",
    seeds: ["mlp_norms", "cnn_bn", "recurrent", "views", "checkpoint"].map((m) => `${PYTORCH}/${m}.pt`),
    hotspots: zipHotspots,
    place: sameName,
  },
  {
    name: "tfjs-layers",
    seeds: ["mlp", "cnn", "functional", "recurrent", "text"].map((m) => `test/fixtures/tfjs-layers/${m}/model.json`),
    hotspots: () => [],
    json: WHOLE_JSON,
    place: tfjsFolder,
    read: readTfjsLayersModel,
  },
];

export function fuzzTarget(name: string): FuzzTarget {
  const target = FUZZ_TARGETS.find((t) => t.name === name);
  if (!target) throw new Error(`no fuzz target "${name}"; targets: ${FUZZ_TARGETS.map((t) => t.name).join(", ")}`);
  return target;
}
