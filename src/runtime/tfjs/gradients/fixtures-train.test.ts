// Every PyTorch-exported fixture (MobileNet-style, ShuffleNet-style and
// residual CNNs, MLP, recurrent nets, transformers) takes a training step on
// wasm, with our gradient kernels, and gets finite gradients for every
// trainable weight that agree with tfjs's reference cpu backend.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it, expect, afterAll } from "vitest";
import { decodeModel } from "../../../formats/onnx/index.js";
import { decodeNpz } from "../../../formats/numpy/npz.js";
import type { Graph, Tensor } from "../../../graph/types.js";
import { seededRandom } from "../../../core/random.js";
import { tf } from "../tf.js";
import { toTf } from "../tensors.js";
import { compile } from "../compile.js";
import { initBackend } from "../backends.js";

const MODELS = "test/fixtures/models";
const names = existsSync(MODELS) ? readdirSync(MODELS).filter((f) => f.endsWith(".onnx")).map((f) => f.slice(0, -5)).sort() : [];

// Both backends sum in float32 in different orders (XNNPACK's blocked kernels
// against cpu's plain loops); over a few thousand terms that leaves ~1e-5 of
// the largest gradient. A missing or wrong kernel is off by O(1).
const RELATIVE_TOLERANCE = 1e-4;

interface StepResult {
  readonly loss: number;
  readonly grads: Map<string, Float32Array>;
  readonly trainable: number;
}

/** One training-mode forward and backward: loss = Σ_outputs Σ y·k for fixed random k. */
async function trainingStep(graph: Graph, feeds: ReadonlyMap<string, Tensor>, backend: "cpu" | "wasm"): Promise<StepResult> {
  const compiled = await compile(graph, { backend, training: true });
  try {
    const inputs = Object.fromEntries(compiled.inputNames.map((name) => [name, toTf(feeds.get(name)!, `input ${name}`)]));
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
    expect(live(), `tensors and buffers left by a ${backend} training step`).toBe(before);
    tf.dispose(Object.values(inputs));
    return { loss, grads: out, trainable: [...compiled.variables.values()].filter((v) => v.trainable).length };
  } finally {
    compiled.dispose();
  }
}

describe.skipIf(names.length === 0)("fixtures train on wasm with cpu-matching gradients", () => {
  afterAll(async () => {
    await initBackend("wasm");
  });

  it.each(names)("%s", async (name) => {
    const graph = decodeModel(readFileSync(join(MODELS, `${name}.onnx`)), { file: `${name}.onnx` });
    const feeds = decodeNpz(readFileSync(join(MODELS, `${name}.inputs.b3.npz`)));
    const ref = await trainingStep(graph, feeds, "cpu");
    const got = await trainingStep(graph, feeds, "wasm");

    expect(got.grads.size, "every trainable weight gets a gradient").toBe(got.trainable);
    expect([...got.grads.keys()].sort()).toEqual([...ref.grads.keys()].sort());
    expect(Math.abs(got.loss - ref.loss)).toBeLessThanOrEqual(RELATIVE_TOLERANCE * Math.max(1, Math.abs(ref.loss)));
    const problems: string[] = [];
    for (const [weight, want] of ref.grads) {
      const have = got.grads.get(weight)!;
      let scale = 0;
      let worst = 0;
      for (let i = 0; i < want.length; i++) {
        if (!Number.isFinite(have[i]!)) problems.push(`${weight}[${i}] is ${have[i]}`);
        scale = Math.max(scale, Math.abs(want[i]!));
        worst = Math.max(worst, Math.abs(have[i]! - want[i]!));
      }
      if (worst > RELATIVE_TOLERANCE * scale) problems.push(`${weight}: max |Δ| ${worst.toExponential(2)} against max |grad| ${scale.toExponential(2)}`);
    }
    expect(problems).toEqual([]);
  });
});
