// A tfjs-core IOHandler over a TF.js model folder on disk, so TF.js's own
// loaders (tf.loadGraphModel, tf.loadLayersModel) read what compactor wrote
// exactly as they read it over HTTP: model.json through tfjs-core's
// getModelArtifactsForJSON, the shards its manifest names (confined to the
// model's folder by formats/tfjs/files.ts).
import { tf } from "./tf.js";
import { readModelJson, readShards } from "../../formats/tfjs/files.js";
import { groupBytes } from "../../formats/tfjs/weights.js";
import type { WeightsGroup } from "../../formats/tfjs/model-json.js";

export function modelFolderHandler(path: string): tf.io.IOHandler {
  return {
    async load() {
      const { json, dir, file } = await readModelJson(path);
      const modelJson = json as unknown as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const groups = manifest as unknown as WeightsGroup[];
        const need = groupBytes(groups, file).reduce((a, b) => a + b, 0);
        const parts = await readShards(groups, dir, file, need);
        const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let at = 0;
        for (const p of parts) {
          all.set(p, at);
          at += p.length;
        }
        const specs = manifest.flatMap((g) => g.weights);
        return [specs, all.buffer];
      });
    },
  };
}
