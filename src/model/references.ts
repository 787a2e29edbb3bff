// Models named by reference inside recipes and step options: a file path, a
// zoo spec, or { from, steps } — a model made by replaying steps on a source
// (a trained teacher in a recipe is written this way).
import { OptionError } from "../core/errors.js";
import { load } from "./load.js";
import type { Model } from "./model.js";
import type { RecipeStep } from "./step.js";
import { stepsFromRecipe } from "./step-registry.js";

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
