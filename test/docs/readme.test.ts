// The README's DSL example, run as a user would paste it into `compactor repl`
// (piped stdin, one REPL session). Only its sizes are made smaller so it runs in
// seconds: each substitution below must apply, so a README edit that drops one
// fails here instead of silently running the full-size example.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..", "..");
const entry = join(resolve(process.env.COMPACTOR_TEST_DIST ?? join(ROOT, "dist")), "src/cli/repl/run.js");

const SMALLER: readonly [RegExp, string][] = [
  [/epochs: 10\b/g, "epochs: 1"],
  [/epochs: 5\b/g, "epochs: 1"],
  [/data: mnist\.train\b/g, "data: mnist.train.take(512)"],
];

function readmeExample(): string {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const block = /## The DSL[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (block === undefined) throw new Error("README.md has no ```ts block under '## The DSL'");
  let code = block;
  for (const [pattern, replacement] of SMALLER) {
    const next = code.replace(pattern, replacement);
    if (next === code) throw new Error(`README's DSL example no longer contains ${pattern}; update this test's substitutions`);
    code = next;
  }
  return code;
}

describe("README's DSL example", () => {
  it("runs top to bottom in the REPL and saves a checked student", () => {
    const cwd = mkdtempSync(join(tmpdir(), "compactor-readme-"));
    const run = spawnSync(process.execPath, [entry], { input: readmeExample(), cwd, encoding: "utf8", timeout: 240_000 });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(output).not.toMatch(/\b[A-Z]\w*Error: |error TS\d+/);
    expect(run.status).toBe(0);
    expect(output).toMatch(/comparison/);
    expect(output).toMatch(/distill · [\d.]+ s/);
    expect(existsSync(join(cwd, "student.onnx"))).toBe(true);
  });
});

/** The pruning example under "## The DSL", smaller, on a fixture instead of resnet18.onnx, after the DSL block's `mnist`. */
function pruningExample(): string {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const block = /Pruning \(`prune\.\*`[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (block === undefined) throw new Error("README.md has no ```ts block after 'Pruning (`prune.*`'");
  let code = block;
  const substitutions: [RegExp, string][] = [
    ...SMALLER.filter(([p]) => p.source !== "epochs: 5\\b"),
    [/epochs: 3\b/g, "epochs: 1"],
    [/load\("resnet18\.onnx"\)/g, `load(${JSON.stringify(join(ROOT, "test/fixtures/models/residual_cnn.onnx"))})`],
  ];
  for (const [pattern, replacement] of substitutions) {
    const next = code.replace(pattern, replacement);
    if (next === code) throw new Error(`README's pruning example no longer contains ${pattern}; update this test's substitutions`);
    code = next;
  }
  return `const mnist = await datasets.mnist();\n${code}`;
}

describe("README's pruning example", () => {
  it("runs in the REPL and saves a checked, channel-pruned model", () => {
    const cwd = mkdtempSync(join(tmpdir(), "compactor-readme-prune-"));
    const run = spawnSync(process.execPath, [entry], { input: pruningExample(), cwd, encoding: "utf8", timeout: 240_000 });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(output).not.toMatch(/\b[A-Z]\w*Error: |error TS\d+/);
    expect(run.status).toBe(0);
    expect(output).toMatch(/prune\.channels: \d+ dependency groups/);
    expect(existsSync(join(cwd, "small.onnx"))).toBe(true);
  });
});
