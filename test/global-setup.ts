// vitest globalSetup: the CLI tests spawn `node bin/compactor.js`, which runs the
// compiled dist/. Rebuild once per test run when any source is newer than the build.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

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

export default function setup(): void {
  const sources = Math.max(newestSource(join(ROOT, "src")), newestSource(join(ROOT, "kernel")));
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
