// The kernel's TypeScript converter thread over many cells: its RSS after every
// 250 conversions of one cell, after a cell that brings tfjs's types into the
// session (as the kernel load test's earlier cells do). This script's own thread
// only waits, so the process's RSS growth is the converter worker's.
//   npm run build && node bench/converter-memory.mjs [conversions=2500]
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";

const dist = (p) => fileURLToPath(new URL(`../dist/${p}`, import.meta.url));
const { Compiler } = await import(dist("kernel/compiler.js"));
const compiler = new Compiler();
await compiler.ready;
let declarations = "";
const convert = async (source) => {
  const result = await compiler.convert(declarations, source);
  if (result.diagnostics.length > 0) throw new Error(JSON.stringify(result.diagnostics));
  if (result.declOutput !== undefined) declarations = result.declOutput;
};
await convert(`import { tf } from ${JSON.stringify(dist("src/runtime/tfjs/tf.js"))};\nconst wx = tf.randomNormal([1, 8, 8, 4]) as any;`);
const cell = 'const words = Array.from({ length: 2000 }, (_, i) => "w" + i); words.join(" ").length';
const rssMb = () => Math.round(process.memoryUsage().rss / 1048576);
const total = Number(process.argv[2] ?? 2500);
const samples = [{ conversions: 0, rssMb: rssMb() }];
for (let i = 1; i <= total; i++) {
  await convert(cell);
  if (i % 250 === 0) samples.push({ conversions: i, rssMb: rssMb() });
}
await compiler.close();
console.log(samples.map((s) => `${s.conversions}: ${s.rssMb} MB`).join("\n"));
const when = new Date().toISOString();
const out = fileURLToPath(new URL(`./results/converter-memory-${when.slice(0, 10)}.json`, import.meta.url));
mkdirSync(fileURLToPath(new URL("./results/", import.meta.url)), { recursive: true });
writeFileSync(out, JSON.stringify({ when, node: process.version, cpu: os.cpus()[0]?.model, cores: os.cpus().length, cell, samples }, null, 2) + "\n");
console.log(`written ${out}`);
