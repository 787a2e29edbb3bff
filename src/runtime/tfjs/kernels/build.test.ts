// The committed module (conv-kernels-wasm.ts) must be what scripts/build-wasm.sh
// makes from conv-kernels.c, so the C source is the truth and a hand edit of the
// base64 cannot pass. Needs clang and wasm-ld (CI installs them, see .ci/run);
// without them this test is skipped with the reason in its name.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..", "..", "..");
const hasToolchain = ["clang", "wasm-ld"].every((tool) => spawnSync(tool, ["--version"]).status === 0);

describe("our wasm conv kernels module", () => {
  it.skipIf(!hasToolchain)(`is the build of conv-kernels.c${hasToolchain ? "" : " (skipped: clang and wasm-ld are not installed; apt-get install -y clang lld)"}`, () => {
    const dir = mkdtempSync(join(tmpdir(), "conv-kernels-"));
    try {
      const out = join(dir, "conv-kernels-wasm.ts");
      execFileSync(join(ROOT, "scripts", "build-wasm.sh"), [out], { stdio: "pipe" });
      const committed = readFileSync(join(import.meta.dirname, "conv-kernels-wasm.ts"), "utf8");
      expect(readFileSync(out, "utf8")).toBe(committed);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
