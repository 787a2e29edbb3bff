// The `compactor demo` as data: each model is a starting point plus recipe
// steps, the same JSON `compactor apply` replays. The pipeline DESIGN.md
// describes: a teacher, a student trained alone and the same student
// distilled, then the distilled student pruned and the pruned one quantized.
// A model starts from a zoo spec (`from`) or continues an earlier model of
// the plan (`after`), so its recipe is that model's recipe plus its own steps.
// The distill step's teacher is written as TEACHER_REF and bound to the
// trained teacher when the demo runs, so the teacher is trained once.
import type { RecipeStep } from "../model/step.js";

export const TEACHER_REF = "$teacher";

export type DemoStart = { readonly from: string } | { readonly after: string };

export type DemoModel = DemoStart & {
  readonly name: string;
  readonly steps: readonly RecipeStep[];
};

export interface DemoPlan {
  readonly teacher: DemoModel;
  /** Built in order; an `after` names an earlier model of the plan. */
  readonly students: readonly DemoModel[];
  /** Where every model is evaluated and compared. */
  readonly test: string;
}

export const DEMO_NAMES = Object.freeze({
  teacher: "teacher 784-1200-1200-10",
  alone: "student alone",
  distilled: "student distilled",
  pruned: "distilled, pruned 80%",
  quantized: "pruned, int8",
});

/**
 * Epochs sized so the whole demo runs in about 3 minutes on 2 CPU cores
 * (measured: see BENCHMARKS.md, "compactor demo"); `quick` is a smoke run on
 * slices of the data for tests.
 */
export function demoPlan(options: { quick?: boolean } = {}): DemoPlan {
  const quick = options.quick ?? false;
  const data = quick ? "mnist:train.take(512)" : "mnist:train";
  const test = quick ? "mnist:test.take(200)" : "mnist:test";
  const teacherEpochs = quick ? 1 : 5;
  const studentEpochs = quick ? 2 : 8;
  const batchSize = quick ? 32 : 128;
  const common = { data, validation: test, batchSize, lr: 1e-3 };
  // Fine-tuning after pruning: 3 epochs (63 optimizer steps each at batch 128).
  // Zhu & Gupta's schedule raises the sparsity over the first two and leaves
  // the last one for the remaining weights to recover at the final sparsity.
  const finetuneEpochs = quick ? 2 : 3;
  const stepsPerEpoch = Math.ceil((quick ? 512 : 8000) / batchSize);
  const pruneEnd = stepsPerEpoch * (finetuneEpochs - 1);
  return {
    teacher: {
      name: DEMO_NAMES.teacher,
      // Unregularized: with 5 epochs, dropout and shifts would only slow it down
      // (bench/distill.ts trains Hinton's regularized teacher for the full table).
      from: "mlp:784-1200-1200-10,seed=1",
      steps: [{ step: "train", ...common, epochs: teacherEpochs, seed: 1 }],
    },
    students: [
      { name: DEMO_NAMES.alone, from: "mlp:784-300-100-10,seed=2", steps: [{ step: "train", ...common, epochs: studentEpochs, seed: 2 }] },
      {
        name: DEMO_NAMES.distilled,
        from: "mlp:784-300-100-10,seed=2",
        steps: [{ step: "distill", teacher: TEACHER_REF, temperature: 4, alpha: 0.9, ...common, epochs: studentEpochs, seed: 2 }],
      },
      {
        name: DEMO_NAMES.pruned,
        after: DEMO_NAMES.distilled,
        steps: [
          // One magnitude ranking over all three layers: the 784×300 layer holds 90% of
          // the weights and can lose more of them than the small output layer.
          { step: "prune.gradual", to: 0.8, scope: "global", end: pruneEnd, every: Math.max(1, Math.round(pruneEnd / 10)), latency: false },
          { step: "finetune", ...common, lr: 5e-4, epochs: finetuneEpochs, seed: 3 },
        ],
      },
      {
        name: DEMO_NAMES.quantized,
        after: DEMO_NAMES.pruned,
        // Calibrated int8 (QDQ that onnxruntime fuses into integer kernels); the zeros
        // pruning made stay zeros on the symmetric weight grid. latencyAware off: it
        // keeps float the layers int8 makes slower as timed on this machine now, so a
        // busy machine would change the model; the demo's numbers must replay.
        steps: [{ step: "quantize.static", calibration: data, samples: quick ? 128 : 512, latencyAware: false, latency: false }],
      },
    ],
    test,
  };
}
