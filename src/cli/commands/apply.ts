// compactor apply <recipe.json | inline JSON> <model | spec> -o out.onnx —
// replays a recipe (what model.recipe returns) on a model and saves the result,
// checked against onnxruntime.
import { OptionError } from "../../core/errors.js";
import { load } from "../../model/load.js";
import { readRecipe, stepsFromRecipe } from "../../model/recipe.js";
import { table, tableText } from "../../display/table.js";
import type { Command } from "../command.js";
import { withDisplays } from "../display-to-stderr.js";
import { stringOption } from "../options.js";
import { INTERRUPTED_EXIT_CODE, stopOnSignal } from "../stop-on-signal.js";

export const applyCommand: Command = {
  name: "apply",
  summary: "replay a recipe (train, finetune, distill, prune.* steps) on a model and save it as ONNX",
  usage: "apply <recipe.json | inline JSON> <model.onnx | spec> -o out.onnx",
  help: [["-o, --output <path>", "where to write the resulting ONNX model (required)"]],
  options: { output: { type: "string", short: "o" } },
  positionals: [2, 2],
  async run(input) {
    const [recipeArg, modelArg] = input.positionals as [string, string];
    const output = stringOption(input, "output");
    if (output === undefined) throw new OptionError(`compactor apply needs -o <out.onnx>: where to write the result`);
    // Every step is checked before the model is loaded or anything trains.
    const steps = stepsFromRecipe(await readRecipe(recipeArg), { display: !input.json });
    const model = await load(modelArg);
    // Interrupted (Ctrl-C, SIGTERM), the step stops after its current batch and the model it had is saved.
    const result = await stopOnSignal(input.log, () => withDisplays(input.json, () => model.apply(...steps)));
    const saved = await result.save(output);
    const interrupted = result.history.some((h) => h.metrics["interrupted"] === true);
    const json = {
      output: saved.path,
      bytes: saved.bytes,
      checkedAgainst: saved.checkedAgainst,
      interrupted,
      steps: result.history.map((h) => ({ step: h.step, seconds: h.seconds, metrics: h.metrics })),
    };
    const rows = result.history.map((h) => ({
      step: h.step,
      seconds: Number(h.seconds.toFixed(1)),
      accuracy: typeof h.metrics.accuracy === "number" ? Number((h.metrics.accuracy * 100).toFixed(2)) : null,
      "samples/s": typeof h.metrics.samplesPerSec === "number" ? Math.round(h.metrics.samplesPerSec) : null,
    }));
    const note = interrupted
      ? `\ninterrupted: ${saved.path} holds the model after the last finished batch, and steps after the interrupted one did not run; with checkpoint: { every, dir } in the recipe, the same command resumes`
      : "";
    const text = `${tableText(table(rows, { title: `${modelArg} → ${saved.path}` }))}\nsaved ${saved.path} (${saved.bytes} bytes, max relative error of the file on onnxruntime vs the model on ${saved.checkedAgainst} ${saved.maxRelativeError.toExponential(2)})${note}`;
    return { json, text, ...(interrupted ? { exitCode: INTERRUPTED_EXIT_CODE } : {}) };
  },
};
