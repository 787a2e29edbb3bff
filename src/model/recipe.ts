// Recipes: model.recipe as JSON, replayed by `compactor apply`. A recipe is an
// array of steps `{ "step": "train", …options }` with the DSL's names and
// options; the step registry (step-registry.ts) turns entries into steps.
import { readFile } from "node:fs/promises";
import { FormatError } from "../core/errors.js";
import "./registered-steps.js";
import { stepNames } from "./step-registry.js";
import type { RecipeStep } from "./step.js";

export { stepFromRecipe, stepsFromRecipe, type RecipeHooks } from "./step-registry.js";
export { modelFromReference } from "./references.js";

/** Every registered step's name, in registration order. */
export const STEP_NAMES: readonly string[] = Object.freeze(stepNames());

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

