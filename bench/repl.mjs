// REPL start time, measured as a person sees it: through a pseudo-terminal,
// from spawning `node dist/src/cli/repl/run.js` to the first prompt, and to the
// answer of a first input (which waits for TypeScript and the DSL to load).
// Also a piped run (`echo '1+1' | compactor repl`) end to end.
// Usage: node bench/repl.mjs [runs]   (COMPACTOR_BENCH_DIST overrides dist/)
import { spawn } from "node-pty";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import { join, resolve } from "node:path";

const runs = Number(process.argv[2] ?? 5);
const entry = join(resolve(process.env.COMPACTOR_BENCH_DIST ?? "dist"), "src/cli/repl/run.js");
const env = { ...process.env, COMPACTOR_REPL_HISTORY: join(mkdtempSync(join(tmpdir(), "compactor-bench-")), "history") };
const strip = (s) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "");

function once() {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const pty = spawn(process.execPath, [entry], { cols: 100, rows: 30, env });
    let screen = "";
    let prompt;
    const timer = setTimeout(() => fail(new Error("no answer in 120 s:\n" + strip(screen))), 120_000);
    pty.onData((d) => {
      screen += d;
      const text = strip(screen);
      if (prompt === undefined && text.endsWith("compactor> ")) {
        prompt = performance.now() - t0;
        pty.write("1+1\r");
      } else if (prompt !== undefined && /\n2\n/.test(text)) {
        const answer = performance.now() - t0;
        clearTimeout(timer);
        pty.kill();
        done({ prompt, answer });
      }
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = [];
for (let i = 0; i < runs; i++) results.push(await once());
const piped = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [entry], { input: "1+1\n", encoding: "utf8", env });
  if (r.stdout !== "2\n") throw new Error(`piped run printed ${JSON.stringify(r.stdout)} ${r.stderr}`);
  piped.push(performance.now() - t0);
}
const ms = (x) => `${Math.round(x)} ms`;
console.log(`node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"}), ${runs} runs, medians:`);
console.log(`  start → first prompt (TTY):        ${ms(median(results.map((r) => r.prompt)))}`);
console.log(`  start → answer of first input:     ${ms(median(results.map((r) => r.answer)))}`);
console.log(`  echo '1+1' | repl, whole process:  ${ms(median(piped))}`);
console.log(`  node -e 0 for scale:               ${ms(median(Array.from({ length: runs }, () => { const t = performance.now(); spawnSync(process.execPath, ["-e", "0"]); return performance.now() - t; })))}`);
