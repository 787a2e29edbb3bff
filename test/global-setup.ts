// vitest globalSetup: the CLI tests spawn `node bin/compactor.js`, which runs the
// compiled dist/. Rebuild once per test run when any source is newer than the build.
// Also exports the sweep subset (test/sweep/subset.ts) and the large torchvision
// fixtures from PyTorch when they are missing and Debian's PyTorch is installed
// (~20 s), so a fresh clone tests them too.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { SUBSET, SWEEP_DIR, modelName } from "./sweep/subset.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BUILT = join(ROOT, "dist", "src", "cli", "main.js");

function newestSource(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Debian's python3-torch lives under /usr/bin/python3 (a pyenv python3 on PATH may lack it). */
const TORCH_PYTHON = "/usr/bin/python3";

let torchChecked: boolean | undefined;
function hasTorch(): boolean {
  torchChecked ??= spawnSync(TORCH_PYTHON, ["-c", "import torch, torchvision, onnx"], { stdio: "ignore" }).status === 0;
  return torchChecked;
}

/** torchvision resnet18, mobilenet_v2 and shufflenet_v2_x0_5 (gitignored, ~65 MB) for the MAC/parameter count and pruning tests. */
const LARGE_FIXTURES = ["resnet18", "mobilenet_v2", "shufflenet_v2_x0_5"];

function exportLargeFixtures(): void {
  const missing = LARGE_FIXTURES.filter((name) => !existsSync(join(ROOT, "test", "fixtures", "large", `${name}.onnx`)));
  if (missing.length === 0 || !hasTorch()) return;
  const result = spawnSync(TORCH_PYTHON, [join(ROOT, "scripts", "make-fixtures.py"), "--large", "--only", ...missing], { cwd: ROOT, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`scripts/make-fixtures.py --large failed:\n${result.stderr || result.stdout}`);
}

/** torchvision state_dicts and their exports for the weights-onto-graph tests (gitignored, ~250 MB). */
function exportLargePytorchFixtures(): void {
  if (existsSync(join(ROOT, "test", "fixtures", "large", "pytorch", "vit_tiny.pt")) || !hasTorch()) return;
  const result = spawnSync(TORCH_PYTHON, [join(ROOT, "scripts", "make-pytorch-fixtures.py"), "--large"], { cwd: ROOT, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`scripts/make-pytorch-fixtures.py --large failed:\n${result.stderr || result.stdout}`);
}

function exportSweepSubset(): void {
  const missing = SUBSET.filter((m) => !existsSync(join(SWEEP_DIR, m.file)));
  // Without PyTorch, sweep-subset.test.ts says which models it skipped and how to export them.
  if (missing.length === 0 || !hasTorch()) return;
  const names = [...new Set(missing.map((m) => modelName(m.file)))];
  const result = spawnSync(TORCH_PYTHON, [join(ROOT, "scripts", "sweep-torchvision.py"), "--only", ...names], { cwd: ROOT, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`exporting the sweep subset (${names.join(", ")}) with scripts/sweep-torchvision.py failed:\n${result.stderr || result.stdout}`);
  }
}

export default function setup(): void {
  exportSweepSubset();
  exportLargeFixtures();
  exportLargePytorchFixtures();
  const sources = Math.max(newestSource(join(ROOT, "src")), newestSource(join(ROOT, "kernel")), newestSource(join(ROOT, "test", "fuzz")));
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs >= sources) return;
  try {
    execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], {
      cwd: ROOT,
      stdio: "pipe",
    });
  } catch (error) {
    const out = (error as { stdout?: Buffer }).stdout?.toString() ?? "";
    throw new Error(`building dist/ for the CLI tests failed (tsc -p tsconfig.build.json):\n${out}`);
  }
}
