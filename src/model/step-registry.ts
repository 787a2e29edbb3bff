// The one step registry: recipe name → options schema → step. Each step's
// module registers itself once (train/steps.ts, compress/distill/step.ts, …);
// src/model/registered-steps.ts imports them all. Recipes, `compactor apply`,
// the REPL's help and the kernel's preload read this table, so adding a step
// touches its own folder and one line there.
//
// Steps may name other models (a distillation teacher as a path or as
// { from, steps }); they resolve them through resolveModelReference, which
// registered-steps.ts wires to load() and this registry. The indirection keeps
// step modules from importing the recipe machinery that builds them.
import { CompactorError, OptionError, mustBeOneOf } from "../core/errors.js";
import type { Model } from "./model.js";
import type { OptionsSchema } from "./options-schema.js";
import type { RecipeStep, Step } from "./step.js";
import type { EpochRecord } from "../train/options.js";

/** Options a caller may add to a recipe's steps to observe them; they never enter the recipe. */
export const OBSERVER_OPTIONS = ["onEpoch", "display"] as const;
export type ObserverOption = (typeof OBSERVER_OPTIONS)[number];

export interface StepDefinition {
  /** The recipe name: "train", "distill", "prune.channels"… (dots make DSL namespaces: prune.channels). */
  readonly name: string;
  /** One line for help listings. */
  readonly summary: string;
  readonly options: OptionsSchema;
  /** Which observers the step understands (training steps: onEpoch and display). */
  readonly observers?: readonly ObserverOption[];
  /** A recipe entry's options (JSON: data and models as references) → the step. */
  readonly fromJSON: (options: Record<string, unknown>) => Step;
}

const DEFINITIONS = new Map<string, StepDefinition>();

/** Registers a step; a second registration of one name is a bug in the step modules. */
export function registerStep(definition: StepDefinition): StepDefinition {
  if (DEFINITIONS.has(definition.name)) throw new Error(`step "${definition.name}" is registered twice`);
  DEFINITIONS.set(definition.name, Object.freeze(definition));
  return definition;
}

export function stepNames(): string[] {
  return [...DEFINITIONS.keys()];
}

export function stepDefinitions(): StepDefinition[] {
  return [...DEFINITIONS.values()];
}

/** The definition of `name`, or "step must be one of [...]". */
export function stepDefinition(name: string): StepDefinition {
  const definition = DEFINITIONS.get(name);
  if (!definition) throw mustBeOneOf("step", name, stepNames());
  return definition;
}

/** Observers a caller may add to every step of a recipe (they never enter the recipe). */
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
  const definition = stepDefinition(name);
  const observes = new Set(definition.observers ?? []);
  const observers: Record<string, unknown> = {};
  if (hooks.onEpoch && observes.has("onEpoch")) observers.onEpoch = (record: EpochRecord) => hooks.onEpoch!(record, { index, step: name });
  if (hooks.display !== undefined && observes.has("display")) observers.display = hooks.display;
  return definition.fromJSON({ ...options, ...observers });
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

/** Turns a model reference (a path, a zoo spec, { from, steps }) into a Model. */
export type ModelResolver = (reference: unknown, what: string) => Promise<Model>;

let modelResolver: ModelResolver | undefined;

/** Installed once by registered-steps.ts (load() plus this registry). */
export function setModelResolver(resolver: ModelResolver): void {
  modelResolver = resolver;
}

/** A model named in a step's options (a distillation teacher): a path, a spec or { from, steps }. */
export function resolveModelReference(reference: unknown, what = "model"): Promise<Model> {
  if (!modelResolver) throw new Error("no model resolver: import compactor's index (or model/registered-steps.js) before running steps");
  return modelResolver(reference, what);
}

/**
 * Registered steps a namespace of preloaded values does not reach: "prune.channels"
 * must be `values.prune.channels`, a function. The kernel and the REPL preload the
 * package's exports and use this to say which steps a cell could not call.
 */
export function unreachableSteps(values: Readonly<Record<string, unknown>>): string[] {
  return stepNames().filter((name) => {
    let value: unknown = values;
    for (const part of name.split(".")) {
      const container = (typeof value === "object" && value !== null) || typeof value === "function";
      value = container ? (value as Record<string, unknown>)[part] : undefined;
    }
    return typeof value !== "function";
  });
}
