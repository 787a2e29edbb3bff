// One training step (forward in training mode + gradients of every weight) of
// a PyTorch-exported fixture on a tfjs backend: before our depthwise gradient
// kernels, MobileNet-style blocks could not train on wasm at all.
//
//   npx vite-node bench/depthwise-train-step.ts -- [--model mobile_block] [--batch 32] [--steps 10] [--backends wasm,cpu]
//
// Prints one JSON line: median milliseconds per step for each backend.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { tf } from "../src/runtime/tfjs/tf.js";
import { compile } from "../src/runtime/tfjs/compile.js";
import { decodeModel } from "../src/formats/onnx/index.js";
import { seededRandom } from "../src/core/random.js";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: {
    model: { type: "string", default: "mobile_block" },
    batch: { type: "string", default: "32" },
    steps: { type: "string", default: "10" },
    backends: { type: "string", default: "wasm,cpu" },
  },
});
const batch = Number(values.batch);
const steps = Number(values.steps);
const graph = decodeModel(readFileSync(`test/fixtures/models/${values.model}.onnx`));

function randomTensor(shape: number[], seed: number): tf.Tensor {
  const next = seededRandom(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => next() * 2 - 1), shape);
}

async function msPerStep(backend: "wasm" | "cpu"): Promise<number> {
  const compiled = await compile(graph, { backend, training: true });
  const feeds = Object.fromEntries(
    graph.inputs.map((input, i) => [input.name, randomTensor((input.shape ?? []).map((d) => (typeof d === "number" ? d : batch)), i + 1)]),
  );
  const times: number[] = [];
  for (let step = 0; step < steps + 2; step++) {
    const start = performance.now();
    const { value, grads } = tf.variableGrads(() => {
      const outputs = compiled.forward(feeds, { training: true, seed: step });
      return tf.addN(compiled.outputNames.map((name) => tf.mean(tf.square(outputs[name]!)))) as tf.Scalar;
    });
    await Promise.all(Object.values(grads).map((g) => g.data()));
    if (step >= 2) times.push(performance.now() - start); // two warm-up steps
    compiled.takeStateUpdates().forEach((t) => t.dispose());
    tf.dispose([value, ...Object.values(grads)]);
  }
  tf.dispose(Object.values(feeds));
  compiled.dispose();
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const result: Record<string, number | string> = { model: values.model!, batch, steps };
for (const backend of values.backends!.split(",") as ("wasm" | "cpu")[]) result[`${backend}MsPerStep`] = Number((await msPerStep(backend)).toFixed(1));
console.log(JSON.stringify(result));
