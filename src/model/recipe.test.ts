// Recipes: the registry's names, every bad entry reported at once, inline and
// file recipes, and model references ({ from, steps }) replayed.
import { describe, it, expect } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FormatError, OptionError } from "../core/errors.js";
import { STEP_NAMES, modelFromReference, readRecipe, stepsFromRecipe } from "./recipe.js";

describe("recipes", () => {
  it("knows exactly the implemented steps", () => {
    expect(STEP_NAMES).toEqual(["train", "finetune", "distill", "prune.magnitude", "prune.gradual", "prune.channels"]);
  });

  it("reports every bad entry with its position", () => {
    const bad = () =>
      stepsFromRecipe([
        { step: "compress.magic" },
        { step: "train", data: "mnist:train", epochs: 2 },
        { step: "distill", data: "mnist:train", teacher: "mlp:784-8-10", temperature: -1 },
      ]);
    expect(bad).toThrow(OptionError);
    expect(bad).toThrow(/recipe has 2 bad steps/);
    expect(bad).toThrow(/step 1 \("compress.magic"\): step must be one of \[train, finetune, distill, prune\.magnitude, .*\], got "compress.magic"/);
    expect(bad).toThrow(/step 3 \("distill"\): .*temperature must be a number > 0/s);
    expect(stepsFromRecipe([{ step: "train", data: "mnist:train" }]).map((s) => s.step)).toEqual(["train"]);
  });

  it("reads inline JSON, files and { steps }, and says what is wrong with bad ones", async () => {
    expect(await readRecipe('[{"step":"train"}]')).toEqual([{ step: "train" }]);
    const dir = mkdtempSync(join(tmpdir(), "recipe-"));
    writeFileSync(join(dir, "r.json"), '{"from":"mlp:784-8-10","steps":[{"step":"finetune"}]}');
    expect(await readRecipe(join(dir, "r.json"))).toEqual([{ step: "finetune" }]);
    await expect(readRecipe("[{oops")).rejects.toThrow(FormatError);
    await expect(readRecipe(join(dir, "missing.json"))).rejects.toThrow(/neither inline JSON nor a readable file/);
    await expect(readRecipe('{"step":"train"}')).rejects.toThrow(/must be a JSON array of steps/);
  });

  it("replays { from, steps } references and refuses ones without a source", async () => {
    const model = await modelFromReference({ from: "mlp:784-8-10,seed=3", steps: [{ step: "train", data: "mnist:train.take(64)", epochs: 1, display: false }] });
    expect(model.history.map((h) => h.step)).toEqual(["train"]);
    expect(model.source).toBe("mlp:784-8-10,seed=3");
    await expect(modelFromReference({ from: null, steps: [] }, "teacher")).rejects.toThrow(/teacher \{ from, steps \} needs "from"/);
  });
});
