import { describe, expect, it } from "vitest";
import { BACKENDS } from "./tfjs/backends.js";
import { TFJS_BACKENDS, parseRuntime, parseTfjsBackend } from "./runner.js";

describe("CLI runtime names", () => {
  it("lists the same tfjs backends as backends.ts (kept apart so ort-only commands never load tfjs)", () => {
    expect([...TFJS_BACKENDS]).toEqual([...BACKENDS]);
  });
  it("rejects unknown names with the allowed list", () => {
    expect(parseRuntime("ort")).toBe("ort");
    expect(() => parseRuntime("tpu")).toThrow('--backend must be one of [tfjs, ort], got "tpu"');
    expect(() => parseTfjsBackend("gpu")).toThrow("--tfjs-backend must be one of [auto,");
  });
});
