// The step registry: every registered step is reachable from the public
// surface (what the kernel and REPL preload), recipes and help read it, and a
// schema's checks list every problem at once.
import { describe, expect, it } from "vitest";
import * as api from "../index.js";
import { OptionError } from "../core/errors.js";
import { replHelp } from "../cli/repl/help.js";
import { checkOptions, describeOptions, type OptionsSchema } from "./options-schema.js";
import { registerStep, stepDefinition, stepNames, unreachableSteps } from "./step-registry.js";

describe("step registry", () => {
  it("registers every step once, reachable from the package's exports", () => {
    expect(stepNames()).toEqual(expect.arrayContaining(["train", "finetune", "distill"]));
    expect(unreachableSteps(api as unknown as Record<string, unknown>)).toEqual([]);
    expect(unreachableSteps({ train: api.train })).toEqual(stepNames().filter((n) => n !== "train"));
  });

  it("refuses a second registration of a name", () => {
    expect(() => registerStep({ ...stepDefinition("train") })).toThrow(/"train" is registered twice/);
  });

  it("names the known steps when a name is unknown", () => {
    expect(() => stepDefinition("prune.nothing")).toThrow(OptionError);
    expect(() => stepDefinition("prune.nothing")).toThrow(/step must be one of \[train, finetune, distill/);
  });

  it("feeds the REPL's help: the step list and each step's options", () => {
    const help = replHelp();
    for (const name of stepNames()) expect(help).toContain(name);
    expect(replHelp("distill")).toMatch(/temperature: number\s+default 4 · softmax temperature/);
    expect(replHelp("distill")).toMatch(/teacher: model\s+required/);
    expect(replHelp("nope")).toMatch(/no step named "nope"; steps: train, finetune, distill/);
  });

  it("builds steps from JSON through the registry", () => {
    const step = stepDefinition("finetune").fromJSON({ data: "mnist:train", epochs: 1 });
    expect(step.step).toBe("finetune");
    expect(step.toJSON()).toEqual({ step: "finetune", data: "mnist:train", epochs: 1 });
  });
});

describe("checkOptions", () => {
  const schema: OptionsSchema = {
    sparsity: { type: "number", min: 0, below: 1, required: true, doc: "fraction of weights set to zero" },
    scope: { type: "string", oneOf: ["layer", "global"], default: "layer", doc: "where the threshold is chosen" },
    exclude: { type: "array", doc: "node names or op types left dense" },
  };

  it("accepts good options and treats undefined as absent", () => {
    expect(() => checkOptions("prune.magnitude", schema, { sparsity: 0.9, scope: "global", exclude: undefined })).not.toThrow();
  });

  it("lists every problem at once: unknown, type, range, choice, required", () => {
    const run = (options: unknown) => () => checkOptions("prune.magnitude", schema, options);
    expect(run({ sparsity: 1, scope: "net", extra: 1, exclude: "fc" })).toThrow(OptionError);
    let message = "";
    try {
      run({ sparsity: 1, scope: "net", extra: 1, exclude: "fc" })();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/prune.magnitude: 4 invalid options/);
    expect(message).toContain("sparsity must be in [0, 1), got 1");
    expect(message).toContain('scope must be one of [layer, global], got "net"');
    expect(message).toContain('prune.magnitude option must be one of [sparsity, scope, exclude], got "extra"');
    expect(message).toContain('exclude must be array, got "fc"');
    expect(run({})).toThrow(/sparsity is required: fraction of weights set to zero/);
    expect(run(42)).toThrow(/prune.magnitude\(\) takes an options object/);
  });

  it("describes a schema as help lines", () => {
    expect(describeOptions(schema)).toEqual([
      "sparsity: number               required · fraction of weights set to zero",
      "scope: string [layer, global]  default \"layer\" · where the threshold is chosen",
      "exclude: array                 optional · node names or op types left dense",
    ]);
  });
});
