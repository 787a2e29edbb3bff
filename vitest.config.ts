import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "kernel/**/*.test.ts", "test/**/*.test.ts"],
    // Builds dist/ once when sources are newer: CLI, kernel and REPL tests run the compiled code.
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // tfjs wasm and onnxruntime keep native state per process; forks isolate them.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
