// compactor eval <model> --data mnist:test — accuracy and loss of a classifier
// on a labelled dataset, on onnxruntime (default) or the tfjs runtime.
import { mustBeOneOf } from "../../core/errors.js";
import { load } from "../../model/load.js";
import type { Runtime } from "../../runtime/runner.js";
import type { Command } from "../command.js";
import { intOption, stringOption } from "../options.js";

const BACKENDS = ["ort", "tfjs"] as const satisfies readonly Runtime[];

export const evalCommand: Command = {
  name: "eval",
  summary: "accuracy and loss of a model on a labelled dataset (mnist:test, an .npz file)",
  usage: "eval <model.onnx | spec> --data mnist:test [--backend ort|tfjs]",
  help: [
    ["--data <ref>", 'dataset: "mnist:test" (default), "mnist:train" or a path to an .npz with x and y'],
    ["--backend <ort|tfjs>", "runtime for inference (default ort)"],
    ["--batch-size <n>", "samples per inference call (default 500)"],
  ],
  options: { data: { type: "string" }, backend: { type: "string" }, "batch-size": { type: "string" } },
  positionals: [1, 1],
  async run(input) {
    const modelArg = input.positionals[0]!;
    const data = stringOption(input, "data") ?? "mnist:test";
    const backend = stringOption(input, "backend") ?? "ort";
    if (!(BACKENDS as readonly string[]).includes(backend)) throw mustBeOneOf("--backend", backend, BACKENDS);
    const batchSize = intOption(input, "batch-size", 500);
    const model = await load(modelArg);
    const report = await model.evaluate(data, { runtime: backend as Runtime, batchSize });
    const json = { model: modelArg, data, backend, accuracy: report.accuracy, loss: report.loss, samples: report.samples };
    const text = `${modelArg} on ${data} (${backend}): accuracy ${(report.accuracy * 100).toFixed(2)}% · loss ${report.loss.toFixed(4)} · ${report.samples} samples`;
    return { json, text };
  },
};
