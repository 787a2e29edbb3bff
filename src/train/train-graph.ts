// trainGraph / finetuneGraph: Graph → Graph. Starts the backend (wasm by
// default, the GPU ones for device "gpu"), registers the kernels training needs
// there, compiles the graph and runs the loop. Model.apply wraps these as the
// `train` and `finetune` steps.
import type { Graph } from "../graph/types.js";
import { initBackend, type BackendChoice, type Device } from "../runtime/tfjs/backends.js";
import { compile } from "../runtime/tfjs/compile.js";
import { registerTrainingKernels } from "../runtime/tfjs/gradients/index.js";
import { trainCompiled, type TrainResult } from "./loop.js";
import { FINETUNE_DEFAULTS, TRAIN_DEFAULTS, resolveOptions, type TrainDefaults, type TrainOptions } from "./options.js";
import { fromFakeQuant, toFakeQuant } from "./fake-quant.js";
import { trainableNames } from "./preflight.js";

export type { TrainResult };

export async function trainGraph(graph: Graph, options: TrainOptions): Promise<TrainResult> {
  return run(graph, options, TRAIN_DEFAULTS, "train");
}

/** trainGraph with gentler defaults for weights that are already trained (FINETUNE_DEFAULTS). */
export async function finetuneGraph(graph: Graph, options: TrainOptions): Promise<TrainResult> {
  return run(graph, options, FINETUNE_DEFAULTS, "finetune");
}

async function run(graph: Graph, options: TrainOptions, defaults: TrainDefaults, label: string): Promise<TrainResult> {
  const resolved = resolveOptions(options, defaults);
  const device = (options.device ?? "auto") as Device;
  // The CPU default is wasm (SIMD); a GPU request lets the chooser try the GPU backends.
  const choice = (options.backend ?? (device === "gpu" ? "auto" : "wasm")) as BackendChoice;
  const backend = await initBackend(choice, { device });
  registerTrainingKernels(backend.tfjsName);
  // A quantized graph trains as fake quantization and folds back onto its grids (fake-quant.ts).
  const form = toFakeQuant(graph);
  const trainable = trainableNames(form.graph, resolved.freeze);
  for (const name of form.frozen) trainable.delete(name);
  const compiled = await compile(form.graph, { training: true, trainable: (name) => trainable.has(name) });
  try {
    const result = await trainCompiled(form.graph, compiled, resolved, backend.backend, label);
    return form.graph === graph ? result : { ...result, graph: fromFakeQuant(result.graph, form) };
  } finally {
    compiled.dispose();
  }
}
