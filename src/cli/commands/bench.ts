// compactor bench <model> — latency of one model on each runtime, same inputs,
// measured in one process: warm-up, then median and p90.
import { readOnnx } from "../../formats/onnx/index.js";
import { table, tableText } from "../../display/table.js";
import { OptionError } from "../../core/errors.js";
import type { Command } from "../command.js";
import { parseDimFlags, randomInputs } from "../inputs.js";
import { intOption, stringListOption, stringOption } from "../options.js";
import { openRunner, parseRuntime, parseTfjsBackend, type Runtime } from "../../runtime/runner.js";
import { measureInterleaved, WARMUP_MS } from "../timing.js";

export const benchCommand: Command = {
  name: "bench",
  summary: "measure inference latency on tfjs and onnxruntime (median and p90)",
  usage: "bench <model.onnx> [--backends ort,tfjs] [--batch N] [--runs N] [--warmup N] [--warmup-s S]",
  help: [
    ["--backends LIST", "comma-separated runtimes to time: ort, tfjs (default ort, the inference engine)"],
    ["--tfjs-backend NAME", "tfjs backend: wasm (default), cpu, webgpu, auto…"],
    ["--batch N", "size of a symbolic batch axis (default 1)"],
    ["--dim name=N", "size of another symbolic dim (repeatable)"],
    ["--runs N", "timed runs per runtime (default 20)"],
    ["--warmup N", "untimed runs first (default 3)"],
    ["--warmup-s S", "and warm up for at least S seconds (default 2: V8 optimizes hot WebAssembly only after a while)"],
    ["--seed N", "seed for the random inputs (default 0)"],
  ],
  options: {
    backends: { type: "string", default: "ort" },
    "tfjs-backend": { type: "string", default: "wasm" },
    batch: { type: "string" },
    dim: { type: "string", multiple: true },
    runs: { type: "string" },
    warmup: { type: "string" },
    "warmup-s": { type: "string" },
    seed: { type: "string" },
  },
  positionals: [1, 1],
  async run(input) {
    const modelPath = input.positionals[0]!;
    const names = (stringOption(input, "backends") ?? "ort").split(",").map((s) => s.trim()).filter(Boolean);
    if (names.length === 0) throw new OptionError("--backends needs at least one of [tfjs, ort]");
    const runtimes: Runtime[] = [...new Set(names.map((n) => parseRuntime(n, "--backends entry")))];
    const tfjsBackend = parseTfjsBackend(stringOption(input, "tfjs-backend") ?? "wasm");
    const batch = intOption(input, "batch", 1);
    const runs = intOption(input, "runs", 20);
    const warmup = intOption(input, "warmup", 3, 0);
    const warmupS = stringOption(input, "warmup-s") ?? String(WARMUP_MS / 1000);
    if (!/^\d+(\.\d+)?$/.test(warmupS)) throw new OptionError(`--warmup-s must be a number of seconds ≥ 0, got ${JSON.stringify(warmupS)}`);
    const seed = intOption(input, "seed", 0, 0);
    const dims = parseDimFlags(stringListOption(input, "dim"));

    const graph = await readOnnx(modelPath);
    const feeds = randomInputs(graph, { seed, batch, dims });
    const runners = [];
    for (const runtime of runtimes) runners.push(await openRunner(runtime, graph, { tfjsBackend }));
    if (!input.json) input.log(`timing ${runtimes.join(", ")} alternately: ${warmup} warm-up (at least ${warmupS} s) + ${runs} runs each…`);
    // Alternating calls share any load from other processes fairly between the runtimes.
    const latencies = await measureInterleaved(
      Object.fromEntries(runners.map((r) => [r.runtime, () => r.run(feeds)])) as Record<Runtime, () => Promise<unknown>>,
      { runs, warmup, warmupMs: Number(warmupS) * 1000 },
    );
    for (const r of runners) r.dispose();
    const results = runtimes.map((backend) => ({
      backend,
      medianMs: latencies[backend].medianMs,
      p90Ms: latencies[backend].p90Ms,
      runs: latencies[backend].runs,
    }));
    const json = { model: modelPath, batch, results };
    const text = tableText(
      table(results, {
        title: `${modelPath}, batch ${batch}`,
        columns: [
          { key: "backend" },
          { key: "medianMs", label: "median ms" },
          { key: "p90Ms", label: "p90 ms" },
          { key: "runs" },
        ],
      }),
    );
    return { json, text };
  },
};
