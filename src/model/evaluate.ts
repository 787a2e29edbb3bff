// Accuracy, loss and confusion matrix of a classifier on a labelled dataset.
// Inference needs no gradients, so it runs on onnxruntime (DESIGN: ~5× faster
// than tfjs wasm here) unless the caller asks for the tfjs runtime.
import { ShapeError } from "../core/errors.js";
import type { Graph, Tensor } from "../graph/types.js";
import { toMimeBundle, escapeHtml } from "../display/bundle.js";
import { plot } from "../display/plot.js";
import type { Dataset } from "../data/dataset.js";
import { fitDataToModel } from "../data/fit.js";
import { resolveData } from "../data/index.js";
import { JUPYTER_DISPLAY, type MimeBundle } from "../display/mime.js";
import { runtimeOf, type RuntimeOption } from "./model.js";
import { withRunner, type Runtime } from "../runtime/runner.js";

export interface EvalReport {
  readonly accuracy: number;
  /** Mean cross-entropy of the model's logits (or log of its probabilities if it ends in Softmax). */
  readonly loss: number;
  readonly samples: number;
  /** confusion[label][predicted] counts. */
  readonly confusion: readonly (readonly number[])[];
  readonly runtime: Runtime;
  /** The earlier name of `runtime`. */
  readonly backend: Runtime;
}

interface HasGraph {
  readonly graph: Graph;
  readonly name?: string;
}

export async function evaluate(
  model: HasGraph | Graph,
  data: unknown,
  options: RuntimeOption & { batchSize?: number } = {},
): Promise<EvalReport & { [JUPYTER_DISPLAY](): MimeBundle }> {
  const graph = "graph" in model ? model.graph : model;
  const runtime = runtimeOf(options);
  const batchSize = options.batchSize ?? 500;
  const dataset = fitDataToModel(await resolveData(data as string | Dataset), graph);
  const inputName = graph.inputs[0]!.name;
  const outputName = graph.outputs[0]!.name;
  const endsInSoftmax = producerOp(graph, outputName);
  const classes = dataset.numClasses;
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let correct = 0;
  let lossSum = 0;
  let samples = 0;
  await withRunner(runtime, graph, async (runner) => {
    for (const batch of dataset.batches(batchSize)) {
      const logits = (await runner.run({ [inputName]: batch.x }, { outputs: [outputName] }))[outputName]!;
      const width = logits.dims[logits.dims.length - 1]!;
      if (width !== classes) {
        throw new ShapeError(
          `model output "${graph.outputs[0]!.name}" has ${width} classes but dataset "${dataset.name}" has ${classes}`,
          { details: { expected: classes, got: width } },
        );
      }
      const values = logits.data as Float32Array;
      for (let i = 0; i < batch.y.length; i++) {
        const row = values.subarray(i * width, (i + 1) * width);
        const label = batch.y[i]!;
        const predicted = argmax(row);
        confusion[label]![predicted]!++;
        if (predicted === label) correct++;
        lossSum -= logProbability(row, label, endsInSoftmax);
      }
      samples += batch.y.length;
    }
  });
  const report: EvalReport = { accuracy: correct / samples, loss: lossSum / samples, samples, confusion, runtime, backend: runtime };
  return { ...report, [JUPYTER_DISPLAY]: () => evalBundle(report, dataset.name) };
}

function producerOp(graph: Graph, value: string): "softmax" | "logsoftmax" | "logits" {
  const node = graph.nodes.find((n) => n.outputs.includes(value));
  if (node?.opType === "Softmax") return "softmax";
  if (node?.opType === "LogSoftmax") return "logsoftmax";
  return "logits";
}

function argmax(row: Float32Array): number {
  let best = 0;
  for (let j = 1; j < row.length; j++) if (row[j]! > row[best]!) best = j;
  return best;
}

function logProbability(row: Float32Array, label: number, kind: "softmax" | "logsoftmax" | "logits"): number {
  if (kind === "softmax") return Math.log(Math.max(row[label]!, 1e-12));
  if (kind === "logsoftmax") return row[label]!;
  let max = -Infinity;
  for (const v of row) max = Math.max(max, v);
  let sum = 0;
  for (const v of row) sum += Math.exp(v - max);
  return row[label]! - max - Math.log(sum);
}

/** A one-line summary plus the confusion matrix as a heatmap. */
function evalBundle(report: EvalReport, dataName: string): MimeBundle {
  const pct = (report.accuracy * 100).toFixed(2);
  const line = `accuracy ${pct}% · loss ${report.loss.toFixed(4)} · ${report.samples} samples of ${dataName} (${report.runtime})`;
  const heatmap = toMimeBundle(
    plot.heatmap(report.confusion, { title: "confusion matrix (rows: label, columns: predicted)", xaxis: "predicted", yaxis: "label" }),
  );
  return {
    ...heatmap,
    "text/plain": `${line}\n${heatmap["text/plain"]}`,
    "text/html": `<p>${escapeHtml(line)}</p>${String(heatmap["text/html"] ?? "")}`,
  };
}
