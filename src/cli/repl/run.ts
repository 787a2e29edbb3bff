// Entry point used by `compactor repl` and by the REPL's tests: node dist/src/cli/repl/run.js
import { startRepl } from "./index.js";

process.exitCode = await startRepl();
