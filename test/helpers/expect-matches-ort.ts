// The one parity check used everywhere: run a graph on the tfjs runtime and on
// onnxruntime with the same inputs, and require every output to match within
// rtol of the output's largest magnitude (or within atol, when given).
import { expect } from "vitest";
import type { Graph, Tensor } from "../../src/graph/types.js";
import { compareOutputs, type OutputDifference } from "../../src/runtime/compare.js";
import { runOrt } from "../../src/runtime/ort.js";
import { compile } from "../../src/runtime/tfjs/compile.js";
import type { BackendChoice } from "../../src/runtime/tfjs/backends.js";

export interface MatchOptions {
  /** Allowed max |difference| relative to the reference output's largest magnitude; default 1e-4. */
  readonly rtol?: number;
  /** Also accept an output whose max |difference| is within this absolute bound. */
  readonly atol?: number;
  /** tfjs backend; default wasm. */
  readonly backend?: BackendChoice;
}

function describe(diffs: readonly OutputDifference[]): string {
  return diffs
    .map((d) => `  ${d.name}: ${d.mismatch ?? `max abs ${d.maxAbs.toExponential(3)}, max rel ${d.maxRel.toExponential(3)} (scale ${d.scale.toPrecision(4)})`}`)
    .join("\n");
}

/** Asserts tfjs ≈ onnxruntime on every output; returns both results and the differences. */
export async function expectMatchesOrt(
  graph: Graph,
  inputs: Readonly<Record<string, Tensor>>,
  options: MatchOptions = {},
): Promise<{ tfjs: Record<string, Tensor>; ort: Record<string, Tensor>; diffs: OutputDifference[] }> {
  const rtol = options.rtol ?? 1e-4;
  const reference = await runOrt(graph, inputs);
  const compiled = await compile(graph, { backend: options.backend ?? "wasm" });
  let actual: Record<string, Tensor>;
  try {
    actual = await compiled.run({ ...inputs });
  } finally {
    compiled.dispose();
  }
  const diffs = compareOutputs(actual, reference);
  const failing = diffs.filter(
    (d) => d.mismatch !== undefined || !(d.maxRel <= rtol || (options.atol !== undefined && d.maxAbs <= options.atol)),
  );
  expect(failing, `graph "${graph.name}": tfjs vs onnxruntime beyond rtol ${rtol}${options.atol !== undefined ? ` / atol ${options.atol}` : ""}:\n${describe(diffs)}`).toEqual([]);
  return { tfjs: actual, ort: reference, diffs };
}
