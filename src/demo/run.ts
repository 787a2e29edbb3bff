// Runs the demo plan: trains the teacher, then each student from its recipe,
// compares them all on the test split (accuracy, parameters, bytes,
// onnxruntime latency) and writes report.html.
import { resolve } from "node:path";
import { compare, type ComparisonRow } from "../model/compare.js";
import { display } from "../display/display.js";
import { load } from "../model/load.js";
import type { Model } from "../model/model.js";
import { stepsFromRecipe } from "../model/recipe.js";
import type { RecipeStep } from "../model/step.js";
import type { EpochRecord } from "../train/options.js";
import { TEACHER_REF, demoPlan, type DemoModel } from "./plan.js";
import { comparisonTable, reportHtml, writeReport } from "./report.js";

export interface DemoResult {
  readonly rows: readonly ComparisonRow[];
  readonly recipes: Readonly<Record<string, readonly RecipeStep[]>>;
  readonly report: string;
  readonly seconds: number;
}

export async function runDemo(options: { quick?: boolean; out?: string; log?: (line: string) => void } = {}): Promise<DemoResult> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const plan = demoPlan({ quick: options.quick ?? false });
  const curves = new Map<string, EpochRecord[]>();

  const build = async (spec: DemoModel, teacher?: Model): Promise<Model> => {
    log(`demo: ${spec.name} (${spec.from})`);
    const epochs: EpochRecord[] = [];
    curves.set(spec.name, epochs);
    const bound = spec.steps.map((s) => (s.teacher === TEACHER_REF ? { ...s, teacher } : s)) as RecipeStep[];
    const steps = stepsFromRecipe(bound, { onEpoch: (record) => epochs.push(record) });
    return (await load(spec.from)).apply(...steps);
  };

  const teacher = await build(plan.teacher);
  const students: Model[] = [];
  for (const spec of plan.students) students.push(await build(spec, teacher));
  const all = [teacher, ...students];
  const names = [plan.teacher, ...plan.students].map((m) => m.name);
  const comparison = await compare(all, plan.test, { names });
  display(comparisonTable(comparison.rows));

  const recipes: Record<string, readonly RecipeStep[]> = {};
  names.forEach((name, i) => (recipes[name] = all[i]!.recipe));
  const report = resolve(options.out ?? "report.html");
  const seconds = (performance.now() - started) / 1000;
  await writeReport(
    report,
    reportHtml({
      title: "compactor demo: distilling an MNIST teacher into a small student",
      rows: comparison.rows,
      curves,
      recipes: new Map(Object.entries(recipes).map(([k, v]) => [k, { from: [plan.teacher, ...plan.students].find((m) => m.name === k)!.from, steps: v }])),
      notes: [
        `Built-in MNIST split (8,000 train / 2,000 test)${options.quick ? ", quick run on slices" : ""}; ${seconds.toFixed(0)} s in all.`,
        "Each model is a zoo spec plus recipe steps; `compactor apply` replays any recipe below.",
      ],
    }),
  );
  return { rows: comparison.rows, recipes, report, seconds };
}
