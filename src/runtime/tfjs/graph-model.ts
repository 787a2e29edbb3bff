// Runs a TF.js graph model with TF.js's own loader and executor
// (@tensorflow/tfjs-converter's loadGraphModel): the check that a model
// compactor exports is one TF.js runs, and gives what onnxruntime gives.
import { tf } from "./tf.js";
import { BackendError } from "../../core/errors.js";
import type { Tensor } from "../../graph/types.js";
import { initBackend, type BackendChoice } from "./backends.js";
import { modelFolderHandler } from "./model-files-handler.js";
import { fromTfValues, toTf } from "./tensors.js";

export interface TfjsModelRunner {
  /** Signature input names, in order. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  run(feeds: Readonly<Record<string, Tensor>>): Promise<Record<string, Tensor>>;
  dispose(): void;
}

export async function ensureBackend(backend?: BackendChoice): Promise<void> {
  if (backend) await initBackend(backend);
  else if (!tf.engine().backendName) await initBackend("wasm");
}

/** Our Tensor from a tf tensor (float32 → float32, int32 → int32, bool → bool). */
export async function fromTf(t: tf.Tensor): Promise<Tensor> {
  const values = await t.data();
  return fromTfValues(values as ArrayLike<number>, t.shape, t.dtype === "bool" ? "bool" : t.dtype === "int32" ? "int32" : "float32");
}

export async function loadTfjsGraphModel(path: string, options: { backend?: BackendChoice } = {}): Promise<TfjsModelRunner> {
  await ensureBackend(options.backend);
  const { loadGraphModel } = await import("@tensorflow/tfjs-converter");
  let model;
  try {
    model = await loadGraphModel(modelFolderHandler(path));
  } catch (e) {
    if (e instanceof Error && e.name.endsWith("Error") && "context" in e) throw e;
    throw new BackendError(`tf.loadGraphModel could not load ${path}: ${(e as Error).message}`, { file: path }, { cause: e });
  }
  const inputs = model.inputNodes;
  const outputs = model.outputNodes;
  return {
    inputs,
    outputs,
    async run(feeds) {
      const named: Record<string, tf.Tensor> = {};
      for (const name of inputs) {
        const t = feeds[name];
        if (t === undefined) throw new BackendError(`${path}: no value fed for input "${name}" (inputs: ${inputs.join(", ")})`);
        named[name] = toTf(t, `input "${name}"`);
      }
      try {
        // execute() runs synchronously; models with dynamic ops (none compactor writes) need executeAsync.
        let result: tf.Tensor | tf.Tensor[];
        try {
          result = model.execute(named, outputs);
        } catch (e) {
          if (!/executeAsync/.test((e as Error).message)) throw e;
          result = await model.executeAsync(named, outputs);
        }
        const list = Array.isArray(result) ? result : [result];
        const out: Record<string, Tensor> = {};
        for (let i = 0; i < outputs.length; i++) out[outputs[i]!] = await fromTf(list[i]!);
        tf.dispose(list);
        return out;
      } finally {
        tf.dispose(Object.values(named));
      }
    },
    dispose: () => model.dispose(),
  };
}
