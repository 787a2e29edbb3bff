// What a file format is to compactor: how to recognise its bytes, and how to
// read and write it. Model formats carry a whole Graph (ONNX, TF.js models);
// weight formats carry named tensors (safetensors, PyTorch state_dicts, .npz).
// Each format lives in its own folder with a `format.ts` exporting one
// FileFormat; registry.ts lists them, one line each.
import type { Graph, Tensor } from "../graph/types.js";

export const FORMAT_KINDS = ["model", "weights"] as const;
export type FormatKind = (typeof FORMAT_KINDS)[number];

/** The first bytes of a file (up to SNIFF_BYTES) and its path, for content detection. */
export interface FileHead {
  readonly path: string;
  readonly bytes: Uint8Array;
  /** True when the path is a directory (TF.js models are folders). */
  readonly isDirectory: boolean;
}

export const SNIFF_BYTES = 4096;

export interface FileFormat {
  /** Short name used by `--to` and `save(path, { format })`: "onnx", "npz", "tfjs"… */
  readonly name: string;
  readonly description: string;
  readonly kind: FormatKind;
  /** Lower-case extensions with the dot, the first being the one written by default. */
  readonly extensions: readonly string[];
  /** True when a file of this format is a folder (a TF.js model: model.json and its shards); its head is the folder's model.json. */
  readonly folder?: boolean;
  /** True when the content looks like this format (never throws; extension alone is not enough). */
  sniff(head: FileHead): boolean;
  readModel?(path: string): Promise<Graph>;
  writeModel?(graph: Graph, path: string): Promise<void>;
  readWeights?(path: string): Promise<Map<string, Tensor>>;
  writeWeights?(weights: ReadonlyMap<string, Tensor>, path: string): Promise<void>;
}
