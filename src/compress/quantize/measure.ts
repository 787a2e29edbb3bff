// Before/after figures every quantize step reports: ONNX file size, output
// SQNR against the float model on sample inputs, accuracy on labelled data when
// given, and onnxruntime latency with the two models' calls interleaved (so
// load from other processes hits both alike).
import type { Dataset } from "../../data/dataset.js";
import { encodeModel } from "../../formats/onnx/index.js";
import type { Graph, Tensor } from "../../graph/types.js";
import { evaluate } from "../../model/evaluate.js";
import { createOrtSession } from "../../runtime/ort.js";
import { randomInputs } from "../../runtime/random-inputs.js";
import { measureInterleaved } from "../../cli/timing.js";
import { sqnrDb } from "./grid.js";

export interface LatencyOptions {
  readonly batch: number;
  readonly runs: number;
  /** Least warm-up time, ms. */
  readonly warmupMs: number;
}

export interface BeforeAfter {
  readonly fileBytes: readonly [number, number];
  /** SQNR of the quantized model's first output against the float model's, dB, on `feeds`. */
  readonly outputSqnr: number;
  readonly accuracy?: readonly [number, number];
  readonly latencyMs?: readonly [number, number];
  readonly latencyBatch?: number;
}

/** Output SQNR (first graph output) of `after` against `before` over several feed batches, both in onnxruntime. */
export async function outputSqnr(before: Graph, after: Graph, batches: readonly Record<string, Tensor>[]): Promise<number> {
  const a = await createOrtSession(before);
  const b = await createOrtSession(after);
  const name = before.outputs[0]!.name;
  const reference: number[] = [];
  const approx: number[] = [];
  for (const feeds of batches) {
    const x = (await a.run(feeds, { outputs: [name] }))[name]!.data as Float32Array;
    const y = (await b.run(feeds, { outputs: [after.outputs[0]!.name] }))[after.outputs[0]!.name]!.data as Float32Array;
    for (let i = 0; i < x.length; i++) {
      reference.push(x[i]!);
      approx.push(y[i]!);
    }
  }
  return sqnrDb(reference, approx);
}

/** Interleaved onnxruntime latency (median ms) of several graphs on the same random inputs. */
export async function ortLatencies(graphs: readonly Graph[], o: LatencyOptions): Promise<number[]> {
  const feeds = randomInputs(graphs[0]!, { seed: 0, batch: o.batch });
  const sessions = await Promise.all(graphs.map((g) => createOrtSession(g)));
  const calls = Object.fromEntries(sessions.map((s, i) => [`g${i}`, () => s.run(feeds)]));
  const result = await measureInterleaved(calls, { runs: o.runs, warmup: 3, warmupMs: o.warmupMs });
  return sessions.map((_, i) => result[`g${i}`]!.medianMs);
}

export async function measureBeforeAfter(
  before: Graph,
  after: Graph,
  o: { readonly feeds: readonly Record<string, Tensor>[]; readonly validation?: Dataset; readonly latency?: LatencyOptions },
): Promise<BeforeAfter> {
  const fileBytes = [encodeModel(before).length, encodeModel(after).length] as const;
  const sqnr = await outputSqnr(before, after, o.feeds);
  const accuracy = o.validation
    ? ([(await evaluate(before, o.validation, { runtime: "ort" })).accuracy, (await evaluate(after, o.validation, { runtime: "ort" })).accuracy] as const)
    : undefined;
  const latency = o.latency ? await ortLatencies([before, after], o.latency) : undefined;
  return {
    fileBytes,
    outputSqnr: sqnr,
    ...(accuracy ? { accuracy } : {}),
    ...(latency ? { latencyMs: [latency[0]!, latency[1]!] as const, latencyBatch: o.latency!.batch } : {}),
  };
}
