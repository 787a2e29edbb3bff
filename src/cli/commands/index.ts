// The command registry: one line per command. To add one, write
// commands/<name>.ts exporting a Command (see ../command.ts) and list it here.
import type { Command } from "../command.js";
import { applyCommand } from "./apply.js";
import { benchCommand } from "./bench.js";
import { demoCommand } from "./demo.js";
import { evalCommand } from "./eval.js";
import { infoCommand } from "./info.js";
import { kernelCommand } from "./kernel.js";
import { replCommand } from "./repl.js";
import { runCommand } from "./run.js";

export const COMMANDS: readonly Command[] = [
  infoCommand,
  runCommand,
  benchCommand,
  replCommand,
  kernelCommand,
  applyCommand,
  evalCommand,
  demoCommand,
];
