// The `compactor demo` as data: each model is a starting spec plus recipe
// steps, the same JSON `compactor apply` replays. Pruning and quantization
// join as more steps (or more students) when those steps exist. The distill
// step's teacher is written as TEACHER_REF and bound to the trained teacher
// when the demo runs, so the teacher is trained once.
import type { RecipeStep } from "../model/step.js";

export const TEACHER_REF = "$teacher";

export interface DemoModel {
  readonly name: string;
  readonly from: string;
  readonly steps: readonly RecipeStep[];
}

export interface DemoPlan {
  readonly teacher: DemoModel;
  readonly students: readonly DemoModel[];
  /** Where every model is evaluated and compared. */
  readonly test: string;
}

/**
 * Epochs sized so the whole demo runs in under 5 minutes on 2 CPU cores
 * (measured: see BENCHMARKS.md, "Distillation"); `quick` is a smoke run on
 * slices of the data for tests.
 */
export function demoPlan(options: { quick?: boolean } = {}): DemoPlan {
  const quick = options.quick ?? false;
  const data = quick ? "mnist:train.take(512)" : "mnist:train";
  const test = quick ? "mnist:test.take(200)" : "mnist:test";
  const teacherEpochs = quick ? 1 : 5;
  const studentEpochs = quick ? 2 : 8;
  const common = { data, validation: test, batchSize: quick ? 32 : 128, lr: 1e-3 };
  return {
    teacher: {
      name: "teacher 784-1200-1200-10",
      // Unregularized: with 5 epochs, dropout and shifts would only slow it down
      // (bench/distill.ts trains Hinton's regularized teacher for the full table).
      from: "mlp:784-1200-1200-10,seed=1",
      steps: [{ step: "train", ...common, epochs: teacherEpochs, seed: 1 }],
    },
    students: [
      { name: "student alone", from: "mlp:784-300-100-10,seed=2", steps: [{ step: "train", ...common, epochs: studentEpochs, seed: 2 }] },
      {
        name: "student distilled",
        from: "mlp:784-300-100-10,seed=2",
        steps: [{ step: "distill", teacher: TEACHER_REF, temperature: 4, alpha: 0.9, ...common, epochs: studentEpochs, seed: 2 }],
      },
    ],
    test,
  };
}
