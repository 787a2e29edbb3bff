// One training-mode forward and backward of a graph on a chosen tfjs backend,
// with the loss Σ_outputs Σ y·k for fixed random k (every output, every
// element contributes), returning the loss, each trainable weight's gradient
// and how many tensors or backend buffers the step left behind. Used to check
// a backend's gradients against tfjs's reference cpu backend (wasm and webgpu
// tests, scripts/gpu-check.ts); free of vitest so the script can use it.
import type { Graph, Tensor } from "../../src/graph/types.js";
import { seededRandom } from "../../src/core/random.js";
import { tf } from "../../src/runtime/tfjs/tf.js";
import { toTf } from "../../src/runtime/tfjs/tensors.js";
import { compile } from "../../src/runtime/tfjs/compile.js";
import type { BackendChoice } from "../../src/runtime/tfjs/backends.js";

export interface TrainingStep {
  readonly loss: number;
  readonly grads: Map<string, Float32Array>;
  /** Trainable variables the compiled graph has (each should get a gradient). */
  readonly trainable: number;
  /** Tensors plus backend buffers alive after the step that were not before it. */
  readonly leaked: number;
}

export async function trainingStep(graph: Graph, feeds: ReadonlyMap<string, Tensor>, backend: BackendChoice): Promise<TrainingStep> {
  const compiled = await compile(graph, { backend, training: true });
  try {
    const inputs = Object.fromEntries(compiled.inputNames.map((name) => [name, toTf(feeds.get(name)!, `input ${name}`)]));
    await compiled.prepare(inputs);
    // Tensors, and the backend's own buffers (which our kernels' intermediates would leak into).
    const live = () => tf.memory().numTensors + tf.backend().numDataIds();
    // A first call folds shape arithmetic for these input shapes and keeps it
    // (compile.ts, specialize.ts): a cache, made once, not a per-step leak.
    tf.tidy(() => Object.values(compiled.forward(inputs, { training: true, seed: 7 })));
    compiled.takeStateUpdates().forEach((t) => t.dispose());
    const before = live();
    const { value, grads } = tf.variableGrads(() => {
      const outputs = compiled.forward(inputs, { training: true, seed: 7 });
      const terms = compiled.outputNames.map((name, i) => {
        const y = outputs[name]!;
        const next = seededRandom(100 + i);
        const k = tf.tensor(Float32Array.from({ length: y.size }, () => next() * 2 - 1), y.shape);
        return tf.sum(tf.mul(y, k));
      });
      return tf.addN(terms) as tf.Scalar;
    });
    compiled.takeStateUpdates().forEach((t) => t.dispose());
    const byVariable = new Map([...compiled.variables].map(([name, v]) => [v.name, name]));
    const out = new Map<string, Float32Array>();
    for (const [variable, g] of Object.entries(grads)) out.set(byVariable.get(variable)!, (await g.data()) as Float32Array);
    const loss = (await value.data())[0]!;
    tf.dispose([value, ...Object.values(grads)]);
    const leaked = live() - before;
    tf.dispose(Object.values(inputs));
    return { loss, grads: out, trainable: [...compiled.variables.values()].filter((v) => v.trainable).length, leaked };
  } finally {
    compiled.dispose();
  }
}

/**
 * Where `got` differs from `ref`: a missing gradient, a non-finite entry, or a
 * weight whose max |Δ| exceeds `tolerance` × its largest |gradient|. Empty when they agree.
 */
export function gradientProblems(ref: TrainingStep, got: TrainingStep, tolerance: number): string[] {
  const problems: string[] = [];
  if (got.grads.size !== got.trainable) problems.push(`${got.grads.size} gradients for ${got.trainable} trainable weights`);
  if (Math.abs(got.loss - ref.loss) > tolerance * Math.max(1, Math.abs(ref.loss))) problems.push(`loss ${got.loss} against ${ref.loss}`);
  for (const [weight, want] of ref.grads) {
    const have = got.grads.get(weight);
    if (!have) {
      problems.push(`${weight}: no gradient`);
      continue;
    }
    let scale = 0;
    let worst = 0;
    for (let i = 0; i < want.length; i++) {
      if (!Number.isFinite(have[i]!)) {
        problems.push(`${weight}[${i}] is ${have[i]}`);
        break;
      }
      scale = Math.max(scale, Math.abs(want[i]!));
      worst = Math.max(worst, Math.abs(have[i]! - want[i]!));
    }
    if (worst > tolerance * scale) problems.push(`${weight}: max |Δ| ${worst.toExponential(2)} against max |grad| ${scale.toExponential(2)}`);
  }
  for (const weight of got.grads.keys()) if (!ref.grads.has(weight)) problems.push(`${weight}: a gradient the reference has not`);
  return problems;
}

/** The largest, over weights, of max |Δ| / max |reference gradient|: one number for a report. */
export function worstGradientDifference(ref: TrainingStep, got: TrainingStep): number {
  let worst = 0;
  for (const [weight, want] of ref.grads) {
    const have = got.grads.get(weight);
    if (!have) return Infinity;
    let scale = 0;
    let diff = 0;
    want.forEach((v, i) => {
      scale = Math.max(scale, Math.abs(v));
      diff = Math.max(diff, Number.isFinite(have[i]!) ? Math.abs(have[i]! - v) : Infinity);
    });
    worst = Math.max(worst, diff / Math.max(scale, 1e-30));
  }
  return worst;
}
