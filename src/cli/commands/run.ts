// compactor run <model> — runs a model once on tfjs or onnxruntime, from an
// .npz or seeded random inputs; --compare ort checks it against onnxruntime.
import { readOnnx } from "../../formats/onnx/index.js";
import { writeNpz } from "../../formats/numpy/npz.js";
import type { Tensor } from "../../graph/types.js";
import { tableText, table } from "../../display/table.js";
import { compareOutputs } from "../../runtime/compare.js";
import type { Command } from "../command.js";
import { loadInputs, parseDimFlags, randomInputs } from "../inputs.js";
import { intOption, numberOption, shapeText, stringListOption, stringOption } from "../options.js";
import { openRunner, parseRuntime, parseTfjsBackend } from "../../runtime/runner.js";

/** Parity threshold: max |difference| relative to the reference output's largest magnitude. */
const DEFAULT_RTOL = 1e-4;

function stats(t: Tensor): { min: number; max: number; mean: number } | undefined {
  if (t.dtype === "string" || t.dtype === "float16" || t.dtype === "bfloat16") return undefined;
  const values = Array.from(t.data as ArrayLike<number | bigint>, Number);
  if (values.length === 0) return undefined;
  let min = Infinity, max = -Infinity, sum = 0;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  return { min, max, mean: sum / values.length };
}

export const runCommand: Command = {
  name: "run",
  summary: "run a model once (seeded random or .npz inputs) and optionally compare with onnxruntime",
  usage: "run <model.onnx> [--backend tfjs|ort] [--inputs x.npz] [--out y.npz] [--seed N] [--batch N] [--compare ort]",
  help: [
    ["--backend tfjs|ort", "runtime to run on (default tfjs)"],
    ["--tfjs-backend NAME", "tfjs backend: wasm (default), cpu, webgpu, auto…"],
    ["--inputs x.npz", "inputs by name; default: seeded random values"],
    ["--out y.npz", "write the outputs here"],
    ["--seed N", "seed for random inputs (default 0)"],
    ["--batch N", "size of a symbolic batch axis for random inputs (default 1)"],
    ["--dim name=N", "size of another symbolic dim (repeatable)"],
    ["--compare ort", "also run on onnxruntime; fail beyond --rtol"],
    ["--rtol X", `allowed max |difference| / max |reference| (default ${DEFAULT_RTOL})`],
  ],
  options: {
    backend: { type: "string", default: "tfjs" },
    "tfjs-backend": { type: "string", default: "wasm" },
    inputs: { type: "string" },
    out: { type: "string" },
    seed: { type: "string" },
    batch: { type: "string" },
    dim: { type: "string", multiple: true },
    compare: { type: "string" },
    rtol: { type: "string" },
  },
  positionals: [1, 1],
  async run(input) {
    const modelPath = input.positionals[0]!;
    const backend = parseRuntime(stringOption(input, "backend") ?? "tfjs");
    const tfjsBackend = parseTfjsBackend(stringOption(input, "tfjs-backend") ?? "wasm");
    const compareWith = stringOption(input, "compare");
    const reference = compareWith === undefined ? undefined : parseRuntime(compareWith, "--compare");
    const rtol = numberOption(input, "rtol", DEFAULT_RTOL);
    const seed = intOption(input, "seed", 0, 0);
    const batch = intOption(input, "batch", 1);
    const dims = parseDimFlags(stringListOption(input, "dim"));

    const graph = await readOnnx(modelPath);
    const inputsPath = stringOption(input, "inputs");
    const feeds = inputsPath ? await loadInputs(inputsPath, graph, modelPath) : randomInputs(graph, { seed, batch, dims });

    const runner = await openRunner(backend, graph, { tfjsBackend });
    const outputs = await runner.run(feeds);
    runner.dispose();
    const outPath = stringOption(input, "out");
    if (outPath) await writeNpz(outPath, new Map(Object.entries(outputs)));

    let comparison;
    if (reference) {
      const refRunner = await openRunner(reference, graph, { tfjsBackend });
      const expected = await refRunner.run(feeds);
      refRunner.dispose();
      const diffs = compareOutputs(outputs, expected);
      comparison = {
        reference,
        rtol,
        passed: diffs.every((d) => d.mismatch === undefined && d.maxRel <= rtol),
        outputs: diffs.map((d) => ({ name: d.name, maxAbs: d.maxAbs, maxRel: d.maxRel, ...(d.mismatch ? { mismatch: d.mismatch } : {}) })),
      };
    }

    const outputRows = Object.entries(outputs).map(([name, t]) => ({ name, dtype: t.dtype, shape: [...t.dims], ...stats(t) }));
    const json = {
      model: modelPath,
      backend,
      inputs: inputsPath ?? { random: { seed, batch } },
      outputs: outputRows,
      ...(outPath ? { out: outPath } : {}),
      ...(comparison ? { compare: comparison } : {}),
    };
    const lines = [
      tableText(
        table(
          outputRows.map((r) => ({ ...r, shape: shapeText(r.shape) })),
          { title: `${modelPath} on ${backend}`, columns: ["name", "dtype", "shape", "min", "max", "mean"] },
        ),
      ),
    ];
    if (outPath) lines.push(`outputs written to ${outPath}`);
    if (comparison) {
      lines.push(
        tableText(
          table(
            comparison.outputs.map((d) => ({ output: d.name, "max abs": d.maxAbs, "max rel": d.maxRel, note: d.mismatch ?? "" })),
            { title: `${backend} vs ${reference} (max abs difference; relative to the reference's largest magnitude)` },
          ),
        ),
      );
      lines.push(comparison.passed ? `match: every output within ${rtol} relative` : `MISMATCH: beyond ${rtol} relative`);
    }
    return { json, text: lines.join("\n"), exitCode: comparison && !comparison.passed ? 1 : 0 };
  },
};
