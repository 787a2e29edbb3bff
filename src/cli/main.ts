// The `compactor` command: picks a command from the registry, parses its flags,
// prints its result (one JSON document on stdout with --json), and maps errors to
// exit code 1 with the message alone on stderr (the stack with --verbose).
import { parseArgs } from "node:util";
import { CompactorError, OptionError } from "../core/errors.js";
import type { Command, OptionSpecs } from "./command.js";
import { COMMANDS } from "./commands/index.js";

/** Flags every command takes. */
const COMMON_OPTIONS: OptionSpecs = {
  json: { type: "boolean", default: false },
  verbose: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
};

const COMMON_HELP: readonly (readonly [string, string])[] = [
  ["--json", "print the result as one JSON document on stdout"],
  ["--verbose", "show stack traces of errors"],
  ["-h, --help", "show this help"],
];

async function usage(): Promise<string> {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const commands = await Promise.all(COMMANDS.map((c) => c.load()));
  return [
    "Usage: compactor <command> [options]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `compactor <command> --help` for a command's options.",
  ].join("\n");
}

function commandUsage(command: Command): string {
  const rows = [...command.help, ...COMMON_HELP];
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return [
    `Usage: compactor ${command.usage}`,
    "",
    command.summary,
    "",
    "Options:",
    ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`),
  ].join("\n");
}

async function findCommand(name: string): Promise<Command> {
  const entry = COMMANDS.find((c) => c.name === name);
  if (entry === undefined) {
    throw new OptionError(
      `unknown command "${name}"; must be one of [${COMMANDS.map((c) => c.name).join(", ")}]. Run \`compactor --help\`.`,
    );
  }
  return entry.load();
}

function parseCommandArgs(command: Command, argv: readonly string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...COMMON_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (cause) {
    // node's messages name the flag; add where to look.
    throw new OptionError(`compactor ${command.name}: ${(cause as Error).message}. Run \`compactor ${command.name} --help\`.`);
  }
  const [min, max] = command.positionals;
  const count = parsed.positionals.length;
  if (!parsed.values.help && (count < min || count > max)) {
    throw new OptionError(
      `compactor ${command.name} takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? "" : "s"}, got ${count}` +
        `${count > 0 ? ` (${parsed.positionals.join(" ")})` : ""}. Usage: compactor ${command.usage}`,
    );
  }
  return parsed;
}

function describeError(error: unknown, verbose: boolean): string {
  if (!(error instanceof Error)) return String(error);
  if (verbose) return error.stack ?? error.message;
  // Errors a user can cause explain themselves; anything else is our bug.
  return error instanceof CompactorError ? error.message : `internal error: ${error.message} (run with --verbose for the stack)`;
}

/** Runs the CLI with `argv` (without node and the script); returns the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const json = argv.includes("--json");
  const verbose = argv.includes("--verbose");
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      process.stdout.write((await usage()) + "\n");
      return name === undefined ? 1 : 0;
    }
    const command = await findCommand(name);
    const { positionals, values } = parseCommandArgs(command, rest);
    if (values.help) {
      process.stdout.write(commandUsage(command) + "\n");
      return 0;
    }
    const result = await command.run({
      positionals,
      values,
      json: values.json === true,
      log: (line) => process.stderr.write(line + "\n"),
    });
    if (result === undefined) return 0;
    process.stdout.write(json ? JSON.stringify(result.json) + "\n" : result.text + (result.text.endsWith("\n") ? "" : "\n"));
    return result.exitCode ?? 0;
  } catch (error) {
    const message = describeError(error, verbose);
    if (json) {
      const name = error instanceof Error ? error.name : "Error";
      const plain = error instanceof Error ? error.message : String(error);
      process.stdout.write(JSON.stringify({ error: { name, message: plain } }) + "\n");
    }
    process.stderr.write(`compactor: ${message}\n`);
    return 1;
  }
}
