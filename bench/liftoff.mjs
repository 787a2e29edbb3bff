#!/usr/bin/env node
// Does `node --no-liftoff` remove the slow first second of wasm (issue 14 item
// 4)? V8 first compiles wasm with Liftoff (fast to compile, slow code) and
// tiers hot functions up to TurboFan in the background; --no-liftoff compiles
// with TurboFan at once. Times, in one fresh process per run: the process up
// to a compiled model, then each of the first N tfjs-runtime calls of a model
// (default resnet18 at batch 8, from test/fixtures/large). Alternates the two
// modes REPS times and prints one JSON line per run.
//
//   npm run build && node bench/liftoff.mjs [model] [batch] [reps]
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const [model = "resnet18", batch = "8", reps = "2"] = process.argv.slice(2);
const CALLS = 6;
if (process.env.LIFTOFF_CHILD) {
  const dist = (p) => new URL(`../dist/src/${p}`, import.meta.url).href;
  const { readOnnx } = await import(dist("formats/onnx/index.js"));
  const { randomInputs } = await import(dist("cli/inputs.js"));
  const { openRunner } = await import(dist("runtime/runner.js"));
  const graph = await readOnnx(fileURLToPath(new URL(`../test/fixtures/large/${model}.onnx`, import.meta.url)));
  const runner = await openRunner("tfjs", graph, {});
  const feeds = randomInputs(graph, { seed: 0, batch: Number(batch) });
  const ready = performance.now();
  const calls = [];
  for (let i = 0; i < CALLS; i++) {
    const t0 = performance.now();
    await runner.run(feeds);
    calls.push(Math.round(performance.now() - t0));
  }
  await runner.close?.();
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({ readyMs: Math.round(ready), callsMs: calls, firstSecondCalls: Math.round(calls[0] + calls[1]), cpuS: (cpu.user + cpu.system) / 1e6 }));
} else {
  for (let r = 0; r < Number(reps); r++) {
    for (const flags of [[], ["--no-liftoff"]]) {
      const out = execFileSync(process.execPath, [...flags, fileURLToPath(import.meta.url), model, batch], { env: { ...process.env, LIFTOFF_CHILD: "1" }, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
      const line = JSON.parse(out.trim().split("\n").pop());
      console.log(JSON.stringify({ bench: "liftoff", model, batch: Number(batch), flags: flags.join(" ") || "(default)", load: (await import("node:os")).loadavg()[0], ...line }));
    }
  }
}
