// The committed module (module-binary.ts, module-exports.ts) must be what
// scripts/build-wasm.mjs makes from the C sources, so the C is the truth: an
// edit of a .c file without a rebuild, a hand edit of the wrappers or of the
// base64 cannot pass. The wrappers and the sources' hash need no compiler;
// the binary's bytes need clang and wasm-ld (CI installs them, see .ci/run).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BUILT_WITH, SOURCES_SHA256 } from "./module-binary.js";

const ROOT = join(import.meta.dirname, "..", "..", "..", "..");
const SCRIPT = join(ROOT, "scripts", "build-wasm.mjs");
const hasToolchain = ["clang", "wasm-ld"].every((tool) => spawnSync(tool, ["--version"]).status === 0);
const installedClang = hasToolchain ? execFileSync("clang", ["--version"], { encoding: "utf8" }).split("\n")[0]!.trim() : undefined;

const out = mkdtempSync(join(tmpdir(), "build-wasm-test-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const committed = (name: string) => readFileSync(join(import.meta.dirname, name), "utf8");
const built = (name: string) => readFileSync(join(out, name), "utf8");
/** The file without its BUILT_WITH line: the one line that names the compiler. */
const withoutCompiler = (text: string) => text.replace(/^export const BUILT_WITH = .*$/m, "");

describe("our wasm kernels module", () => {
  it("has the wrappers generated from the C prototypes (module-exports.ts)", () => {
    execFileSync("node", [SCRIPT, "--bindings-only", "--out", out], { stdio: "pipe" });
    expect(built("module-exports.ts")).toBe(committed("module-exports.ts"));
  });

  it("was built from the C sources as they are (module-binary.ts's SOURCES_SHA256)", () => {
    const sha = execFileSync("node", [SCRIPT, "--sources-sha256"], { encoding: "utf8" }).trim();
    expect(sha, "a .c or .h file in kernels/ changed since the build: run node scripts/build-wasm.mjs").toBe(SOURCES_SHA256);
  });

  it.skipIf(!hasToolchain)(
    `is clang's build of module.c, byte for byte${hasToolchain ? "" : " (skipped: clang and wasm-ld are not installed; apt-get install -y clang lld)"}`,
    (ctx) => {
      execFileSync("node", [SCRIPT, "--out", out], { stdio: "pipe" });
      const same = withoutCompiler(built("module-binary.ts")) === withoutCompiler(committed("module-binary.ts"));
      if (!same && installedClang !== BUILT_WITH) {
        // Another clang may emit other, equally valid instructions: the bytes
        // cannot be compared, while the wrappers and the sources' hash above
        // still hold the committed module to its sources.
        const reason = `the installed clang ("${installedClang}") is not the one that built the committed module ("${BUILT_WITH}") and its output differs, so the bytes cannot be compared`;
        console.warn(`build.test.ts: skipped the byte comparison: ${reason}`);
        ctx.skip(reason);
      }
      expect(same, "the committed base64 is not the build of module.c: run node scripts/build-wasm.mjs").toBe(true);
      expect(built("module-exports.ts")).toBe(committed("module-exports.ts"));
    },
  );
});
