// The layer table: every Keras layer class the layers-model reader converts.
import { CONV_LAYERS } from "./conv.js";
import { CORE_LAYERS } from "./core.js";
import { MERGE_LAYERS } from "./merge.js";
import { NORM_LAYERS } from "./norm.js";
import { POOL_LAYERS } from "./pool.js";
import { RECURRENT_LAYERS } from "./recurrent.js";
import type { LayerEntry } from "./types.js";

export const LAYERS: readonly LayerEntry[] = [...CONV_LAYERS, ...CORE_LAYERS, ...MERGE_LAYERS, ...NORM_LAYERS, ...POOL_LAYERS, ...RECURRENT_LAYERS];

const BY_CLASS = new Map<string, LayerEntry>(LAYERS.flatMap((l) => l.classNames.map((n) => [n, l] as const)));

export function layerFor(className: string): LayerEntry | undefined {
  return BY_CLASS.get(className);
}

export type { LayerContext, LayerEntry, LayerResult } from "./types.js";
