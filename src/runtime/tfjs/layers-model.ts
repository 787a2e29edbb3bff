// Runs a TF.js layers model with TF.js's own tfjs-layers (loadLayersModel and
// predict): the check that a layers model compactor writes is one Keras users
// can load, and computes what the graph does.
import { tf } from "./tf.js";
import { BackendError, FormatError } from "../../core/errors.js";
import { readModelJson } from "../../formats/tfjs/files.js";
import type { LayersModelJson, LayersModelLayout } from "../../formats/tfjs/model-json.js";
import { permuted } from "../../formats/tfjs/tensor-util.js";
import type { Tensor } from "../../graph/types.js";
import type { BackendChoice } from "./backends.js";
import { ensureBackend, fromTf, type TfjsModelRunner } from "./graph-model.js";
import { modelFolderHandler } from "./model-files-handler.js";
import { toTf } from "./tensors.js";

export async function loadTfjsLayersModel(path: string, options: { backend?: BackendChoice } = {}): Promise<TfjsModelRunner> {
  await ensureBackend(options.backend);
  const tfl = await import("@tensorflow/tfjs-layers");
  let model: Awaited<ReturnType<typeof tfl.loadLayersModel>>;
  try {
    model = await tfl.loadLayersModel(modelFolderHandler(path));
  } catch (e) {
    if (e instanceof Error && "context" in e) throw e;
    throw new BackendError(`tf.loadLayersModel could not load ${path}: ${(e as Error).message}`, { file: path }, { cause: e });
  }
  // A Sequential model learns its input and output names when it is built (predict would build it).
  if (model.inputNames.length === 0 && model instanceof tfl.Sequential) model.build();
  const inputs = model.inputNames;
  const outputs = model.outputNames;
  return {
    inputs,
    outputs,
    async run(feeds: Readonly<Record<string, Tensor>>) {
      const xs = inputs.map((name) => {
        const t = feeds[name];
        if (t === undefined) throw new BackendError(`${path}: no value fed for input "${name}" (inputs: ${inputs.join(", ")})`);
        return toTf(t, `input "${name}"`);
      });
      try {
        const result = model.predict(xs.length === 1 ? xs[0]! : xs) as tf.Tensor | tf.Tensor[];
        const list = Array.isArray(result) ? result : [result];
        const out: Record<string, Tensor> = {};
        for (let i = 0; i < outputs.length; i++) out[outputs[i]!] = await fromTf(list[i]!);
        tf.dispose(list);
        return out;
      } finally {
        tf.dispose(xs);
      }
    },
    dispose: () => model.dispose(),
  };
}

/**
 * A layers model compactor wrote, run as the ONNX graph it came from: fed and
 * answering by ONNX value names, images transposed between ONNX's NCHW and the
 * Keras model's NHWC as model.json's userDefinedMetadata.compactor records.
 */
export async function loadTfjsLayersModelAsOnnx(path: string, options: { backend?: BackendChoice } = {}): Promise<TfjsModelRunner> {
  const layout = await readLayout(path);
  const keras = await loadTfjsLayersModel(path, options);
  return {
    inputs: layout.inputs.map((v) => v.onnx),
    outputs: layout.outputs.map((v) => v.onnx),
    async run(feeds) {
      const kerasFeeds: Record<string, Tensor> = {};
      // By position: a Sequential model names its input after its first layer.
      layout.inputs.forEach((v, i) => {
        const t = feeds[v.onnx];
        if (t === undefined) throw new BackendError(`${path}: no value fed for input "${v.onnx}" (inputs: ${layout.inputs.map((i) => i.onnx).join(", ")})`);
        kerasFeeds[keras.inputs[i]!] = v.layout === "NHWC" ? permuted(t, [0, 2, 3, 1]) : t;
      });
      const result = await keras.run(kerasFeeds);
      const list = keras.outputs.map((name) => result[name]!);
      const out: Record<string, Tensor> = {};
      layout.outputs.forEach((v, i) => {
        out[v.onnx] = v.layout === "NHWC" ? permuted(list[i]!, [0, 3, 1, 2]) : list[i]!;
      });
      return out;
    },
    dispose: () => keras.dispose(),
  };
}

async function readLayout(path: string): Promise<LayersModelLayout> {
  const { json, file } = await readModelJson(path);
  const layout = (json as LayersModelJson).userDefinedMetadata?.compactor as LayersModelLayout | undefined;
  if (!layout || !Array.isArray(layout.inputs) || !Array.isArray(layout.outputs)) {
    throw new FormatError(`${file}: no compactor layout in userDefinedMetadata; only layers models compactor wrote can be run as their ONNX graph`, { file });
  }
  return layout;
}
