// What a CLI command is: a name, its options (node:util parseArgs config), and a
// run function that returns a result. The framework (main.ts) parses flags,
// prints the result as one JSON document with --json or as text otherwise, and
// turns errors into exit code 1. Adding a command: one file under commands/
// exporting a Command, one line in commands/index.ts.
import type { ParseArgsConfig } from "node:util";

export type OptionSpecs = NonNullable<ParseArgsConfig["options"]>;

export interface CommandInput {
  /** Positional arguments after the command name. */
  readonly positionals: readonly string[];
  /** Parsed option values (strings, booleans, or arrays for `multiple` options). */
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  /** True with --json: the result is printed as JSON, so skip progress text. */
  readonly json: boolean;
  /** Writes a progress or diagnostic line to stderr (never stdout, which carries the result). */
  readonly log: (line: string) => void;
}

export interface CommandResult {
  /** The machine-readable result, printed with --json. */
  readonly json: unknown;
  /** The human-readable result, printed otherwise. */
  readonly text: string;
  /** Process exit code; 0 when absent. A failed comparison returns 1 with its result still printed. */
  readonly exitCode?: number;
}

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Usage line(s) after "compactor ", e.g. "info <model.onnx>". */
  readonly usage: string;
  /** Option help, one entry per option: [flag text, explanation]. */
  readonly help: readonly (readonly [string, string])[];
  readonly options: OptionSpecs;
  /** How many positionals the command takes: [min, max]. */
  readonly positionals: readonly [number, number];
  /** undefined: the command wrote its own output (interactive ones: repl, kernel). */
  run(input: CommandInput): Promise<CommandResult | undefined>;
}
