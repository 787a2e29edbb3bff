// The committed module (winograd_wasm.ts) must be what scripts/build-wasm.sh
// makes from winograd.c, so the C source is the truth and a hand edit of the
// base64 cannot pass. Needs clang and wasm-ld (CI installs them, see .ci/run);
// without them this test is skipped with the reason in its name.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..", "..", "..");
const hasToolchain = ["clang", "wasm-ld"].every((tool) => spawnSync(tool, ["--version"]).status === 0);

describe("the Winograd wasm module", () => {
  it.skipIf(!hasToolchain)(`is the build of winograd.c${hasToolchain ? "" : " (skipped: clang and wasm-ld are not installed; apt-get install -y clang lld)"}`, () => {
    const dir = mkdtempSync(join(tmpdir(), "winograd-"));
    try {
      const out = join(dir, "winograd_wasm.ts");
      execFileSync(join(ROOT, "scripts", "build-wasm.sh"), [out], { stdio: "pipe" });
      const committed = readFileSync(join(import.meta.dirname, "winograd_wasm.ts"), "utf8");
      expect(readFileSync(out, "utf8")).toBe(committed);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
