// "taylor" importance: first-order Taylor estimate of the loss change when a
// channel goes (Molchanov et al. 2017, 2019). For a layer output z = W∗x + b,
// Σ_filter w·∂L/∂w + b·∂L/∂b = Σ_positions z·∂L/∂z (z is linear in its own
// filter and bias), so summing weight × gradient over a unit's filters,
// biases and per-channel parameters is exactly the activation × gradient
// term, summed over the batch; as in Molchanov 2019 each minibatch's term is
// squared and the squares are added. Gradients come from the tfjs runtime in
// inference mode (BatchNorm statistics fixed, no dropout), cross-entropy on
// the first output against the labels.
import type { Dataset } from "../../../data/dataset.js";
import { tf } from "../../../runtime/tfjs/tf.js";
import { compile } from "../../../runtime/tfjs/compile.js";
import { initBackend } from "../../../runtime/tfjs/backends.js";
import { registerTrainingKernels } from "../../../runtime/tfjs/gradients/index.js";
import { crossEntropy } from "../../../train/loss.js";
import type { Analysis } from "../dependency/analyze.js";
import type { UnitId } from "../dependency/types.js";
import { addToUnits, indexSums } from "./sums.js";

const BATCH = 32;

export async function taylorScores(analysis: Analysis, data: Dataset, samples: number): Promise<Map<UnitId, number>> {
  const backend = await initBackend("wasm");
  registerTrainingKernels(backend.tfjsName);
  const compiled = await compile(analysis.graph, { training: false });
  // A unit's own parameters: its filters and biases, per-channel scales and shifts (not BatchNorm's running statistics).
  const deps = analysis.dependencies.filter((d) => d.handler.role !== "in" && !d.handler.statistic);
  const names = [...new Set(deps.map((d) => d.handler.initializer))];
  const input = compiled.inputNames[0]!;
  const output = compiled.outputNames[0]!;
  const scores = new Map<UnitId, number>();
  try {
    for (const batch of data.take(samples).batches(BATCH, { epoch: 0 })) {
      const variables = names.map((n) => compiled.variables.get(n)!);
      await compiled.prepare({ [input]: { shape: batch.x.dims } });
      const products = tf.tidy(() => {
        const { grads } = tf.variableGrads(() => {
          const x = tf.tensor(batch.x.data, [...batch.x.dims], "float32");
          const logits = compiled.forward({ [input]: x }, { training: false, outputs: [output] })[output]!;
          return crossEntropy(logits, tf.tensor1d(batch.y, "int32"));
        }, variables);
        // grads is keyed by the tfjs variable's own name.
        return Object.fromEntries(names.map((n, i) => [n, compiled.fromVariableLayout(n, tf.mul(variables[i]!, grads[variables[i]!.name]!))]));
      }) as Record<string, tf.Tensor>;
      const perBatch = new Map<UnitId, number>();
      for (const d of deps) {
        const t = products[d.handler.initializer]!;
        addToUnits(perBatch, analysis.units, d.indexMapping, indexSums(t.dataSync(), t.shape, d.handler.axis, (v) => v));
      }
      tf.dispose(Object.values(products));
      for (const [u, s] of perBatch) scores.set(u, (scores.get(u) ?? 0) + s * s);
    }
  } finally {
    compiled.dispose();
  }
  return scores;
}
