// compactor repl — the TypeScript REPL with the compactor DSL preloaded (see ../repl/index.ts).
import { CompactorError } from "../../core/errors.js";
import { startRepl } from "../repl/index.js";
import type { Command } from "../command.js";

export const replCommand: Command = {
  name: "repl",
  summary: "a TypeScript REPL with the compactor DSL preloaded (reads a script from a pipe)",
  usage: "repl [--history FILE] [--figures DIR]",
  help: [
    ["--history FILE", "history file (default $COMPACTOR_REPL_HISTORY or ~/.compactor_repl_history)"],
    ["--figures DIR", "folder for figure HTML files (default: a new temporary folder)"],
  ],
  options: { history: { type: "string" }, figures: { type: "string" } },
  positionals: [0, 0],
  async run(input) {
    const code = await startRepl({
      historyFile: typeof input.values.history === "string" ? input.values.history : undefined,
      figureDir: typeof input.values.figures === "string" ? input.values.figures : undefined,
    });
    // Scripted sessions report failed inputs through the exit code; each error was printed already.
    if (code !== 0) throw new CompactorError("repl: at least one input failed (its error is printed above)");
    return undefined;
  },
};
