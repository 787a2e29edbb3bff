// Recipes: model.recipe as JSON, replayed by `compactor apply`. A recipe is an
// array of steps `{ "step": "train", …options }` with the DSL's names and
// options. The registry below maps recipe names to step factories, one line
// each; pruning and quantization steps join it when they exist.
import { readFile } from "node:fs/promises";
import { CompactorError, FormatError, OptionError, mustBeOneOf } from "../core/errors.js";
import { load } from "./load.js";
import type { Model } from "./model.js";
import type { RecipeStep, Step } from "./step.js";
import type { EpochRecord } from "../train/options.js";
import { train, finetune } from "../train/steps.js";
import { distill } from "../compress/distill/step.js";

type StepFactory = (options: never) => Step;

export const STEP_FACTORIES = Object.freeze({
  train: train as StepFactory,
  finetune: finetune as StepFactory,
  distill: distill as StepFactory,
});
export type StepName = keyof typeof STEP_FACTORIES;
export const STEP_NAMES = Object.keys(STEP_FACTORIES) as StepName[];

/** Observers a caller may add to every training step of a recipe (they never enter the recipe). */
export interface RecipeHooks {
  readonly onEpoch?: (record: EpochRecord, step: { index: number; step: string }) => void;
  readonly display?: boolean;
}

/** One recipe entry → a Step; unknown steps and options fail with "must be one of [...]". */
export function stepFromRecipe(entry: RecipeStep, hooks: RecipeHooks = {}, index = 0): Step {
  if (entry === null || typeof entry !== "object" || Array.isArray(entry) || typeof entry.step !== "string") {
    throw new OptionError(`a recipe step must be an object like {"step": "train", "data": "mnist:train"}, got ${JSON.stringify(entry)}`);
  }
  const { step: name, ...options } = entry;
  if (!Object.hasOwn(STEP_FACTORIES, name)) throw mustBeOneOf("step", name, STEP_NAMES);
  const observers: Record<string, unknown> = {};
  if (hooks.onEpoch) observers.onEpoch = (record: EpochRecord) => hooks.onEpoch!(record, { index, step: name });
  if (hooks.display !== undefined) observers.display = hooks.display;
  return (STEP_FACTORIES[name as StepName] as (o: object) => Step)({ ...options, ...observers });
}

/** Every entry checked before any runs: all problems, each with its position, in one error. */
export function stepsFromRecipe(recipe: readonly RecipeStep[], hooks: RecipeHooks = {}): Step[] {
  if (!Array.isArray(recipe)) {
    throw new OptionError(`a recipe is a JSON array of steps such as [{"step": "train", "data": "mnist:train", "epochs": 5}], got ${typeof recipe}`);
  }
  const steps: Step[] = [];
  const problems: string[] = [];
  recipe.forEach((entry, i) => {
    try {
      steps.push(stepFromRecipe(entry, hooks, i));
    } catch (error) {
      if (!(error instanceof CompactorError)) throw error;
      const name = typeof entry?.step === "string" ? ` ("${entry.step}")` : "";
      problems.push(`step ${i + 1}${name}: ${error.message}`);
    }
  });
  if (problems.length > 0) throw new OptionError(`recipe has ${problems.length} bad step${problems.length > 1 ? "s" : ""}:\n${problems.join("\n")}`, { details: { problems } });
  return steps;
}

/** A recipe from inline JSON text or a .json file; `{ steps: [...] }` (a model's JSON form) is accepted too. */
export async function readRecipe(textOrPath: string): Promise<RecipeStep[]> {
  const inline = /^\s*[[{]/.test(textOrPath);
  let text = textOrPath;
  if (!inline) {
    try {
      text = await readFile(textOrPath, "utf8");
    } catch (cause) {
      throw new FormatError(`recipe "${textOrPath}" is neither inline JSON nor a readable file: ${(cause as Error).message}`, { file: textOrPath }, { cause });
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    const where = inline ? "inline recipe" : `recipe file ${textOrPath}`;
    throw new FormatError(`${where} is not valid JSON: ${(cause as Error).message}`, inline ? {} : { file: textOrPath }, { cause });
  }
  const steps = Array.isArray(parsed) ? parsed : (parsed as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(steps)) {
    throw new FormatError(`a recipe must be a JSON array of steps (or {"steps": [...]}), got ${JSON.stringify(parsed)?.slice(0, 80)}`);
  }
  return steps as RecipeStep[];
}

/** A model named in a recipe: a path or zoo spec, or { from, steps } (a model made by steps, e.g. a trained teacher). */
export async function modelFromReference(ref: unknown, what = "model"): Promise<Model> {
  if (typeof ref === "string") return load(ref);
  const r = ref as { from?: unknown; steps?: unknown } | null;
  if (r && typeof r === "object" && Array.isArray(r.steps)) {
    if (typeof r.from !== "string") {
      throw new OptionError(`${what} { from, steps } needs "from" (a model path or spec such as "mlp:784-1200-1200-10"); a model built in code has no source to replay from`);
    }
    const steps = stepsFromRecipe(r.steps as RecipeStep[]);
    return (await load(r.from)).apply(...steps);
  }
  throw new OptionError(`${what} must be a model path, a spec such as "mlp:784-300-100-10", or { "from": …, "steps": [...] }, got ${JSON.stringify(ref)}`);
}
