// The command registry: one line per command. To add one, write
// commands/<name>.ts exporting a Command (see ../command.ts) and list it here.
// Commands load only when called: `compactor kernel` must not pay for the
// imports of `demo` (training) or `bench` before it answers Jupyter.
import type { Command } from "../command.js";

export interface CommandEntry {
  readonly name: string;
  readonly load: () => Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: "info", load: async () => (await import("./info.js")).infoCommand },
  { name: "run", load: async () => (await import("./run.js")).runCommand },
  { name: "bench", load: async () => (await import("./bench.js")).benchCommand },
  { name: "repl", load: async () => (await import("./repl.js")).replCommand },
  { name: "kernel", load: async () => (await import("./kernel.js")).kernelCommand },
  { name: "apply", load: async () => (await import("./apply.js")).applyCommand },
  { name: "eval", load: async () => (await import("./eval.js")).evalCommand },
  { name: "demo", load: async () => (await import("./demo.js")).demoCommand },
  { name: "convert", load: async () => (await import("./convert.js")).convertCommand },
];
