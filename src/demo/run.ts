// Runs the demo plan: trains the teacher, then each student from its recipe
// (continuing an earlier one where the plan says `after`), compares them all
// on the test split (accuracy, parameters, file size, onnxruntime latency)
// and writes report.html.
import { resolve } from "node:path";
import { compare } from "../model/compare.js";
import { display } from "../display/display.js";
import { load } from "../model/load.js";
import type { Model } from "../model/model.js";
import { stepsFromRecipe } from "../model/recipe.js";
import type { RecipeStep } from "../model/step.js";
import type { EpochRecord } from "../train/options.js";
import { TEACHER_REF, demoPlan, type DemoModel } from "./plan.js";
import { comparisonTable, reportHtml, writeReport, type DemoRow } from "./report.js";
import { modelSizes } from "./sizes.js";

export interface DemoResult {
  readonly rows: readonly DemoRow[];
  readonly recipes: Readonly<Record<string, { readonly from: string; readonly steps: readonly RecipeStep[] }>>;
  readonly report: string;
  readonly seconds: number;
}

export async function runDemo(options: { quick?: boolean; out?: string; log?: (line: string) => void } = {}): Promise<DemoResult> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const plan = demoPlan({ quick: options.quick ?? false });
  const specs = [plan.teacher, ...plan.students];
  const built = new Map<string, Model>();
  const curves = new Map<string, { start: number; epochs: EpochRecord[] }>();

  const build = async (spec: DemoModel): Promise<Model> => {
    const parent = "after" in spec ? built.get(spec.after) : undefined;
    if ("after" in spec && parent === undefined) throw new Error(`demo plan: "${spec.name}" continues "${spec.after}", which is not built before it`);
    log(`demo: ${spec.name} (${"after" in spec ? `continues ${spec.after}` : spec.from})`);
    const epochs: EpochRecord[] = [];
    // A continued model's curve goes on from where its parent's ended.
    const parentCurve = "after" in spec ? curves.get(spec.after) : undefined;
    curves.set(spec.name, { start: parentCurve ? parentCurve.start + parentCurve.epochs.length : 0, epochs });
    const teacher = built.get(plan.teacher.name);
    const bound = spec.steps.map((s) => (s.teacher === TEACHER_REF ? { ...s, teacher } : s)) as RecipeStep[];
    const steps = stepsFromRecipe(bound, { onEpoch: (record) => epochs.push(record) });
    const start = parent ?? (await load((spec as { from: string }).from));
    const model = await start.apply(...steps);
    built.set(spec.name, model);
    return model;
  };

  for (const spec of specs) await build(spec);
  const all = specs.map((s) => built.get(s.name)!);
  const names = specs.map((m) => m.name);
  const comparison = await compare(all, plan.test, { names });
  const rows: DemoRow[] = comparison.rows.map((row, i) => ({ ...row, ...modelSizes(all[i]!.graph) }));
  display(comparisonTable(rows));

  const recipes: Record<string, { from: string; steps: readonly RecipeStep[] }> = {};
  specs.forEach((spec, i) => (recipes[spec.name] = { from: all[i]!.source ?? "", steps: all[i]!.recipe }));
  const report = resolve(options.out ?? "report.html");
  const seconds = (performance.now() - started) / 1000;
  await writeReport(
    report,
    reportHtml({
      title: "compactor demo: an MNIST teacher distilled into a small student, pruned and quantized",
      rows,
      curves: new Map([...curves].filter(([, c]) => c.epochs.length > 0)),
      recipes: new Map(Object.entries(recipes)),
      notes: [
        `Built-in MNIST split (8,000 train / 2,000 test)${options.quick ? ", quick run on slices" : ""}; ${seconds.toFixed(0)} s in all.`,
        "The distilled student is pruned to 80% sparsity during a short fine-tuning (Zhu & Gupta's gradual schedule), then quantized to int8 with calibration data. " +
          "Pruning keeps the file's size (the zeros are stored) until it is compressed: see the gzip column.",
        "Each model is a zoo spec plus recipe steps; `compactor apply '<steps>' <from>` replays any recipe below.",
      ],
    }),
  );
  return { rows, recipes, report, seconds };
}
