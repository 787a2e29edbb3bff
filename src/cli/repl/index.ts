// `compactor repl`: a TypeScript REPL with the compactor DSL preloaded.
//   - on a TTY: node's repl (line editing, multi-line input, tab completion from
//     the TypeScript language service, a persistent history file, .help);
//   - on a pipe: inputs are read to the end and run in order, for scripting
//     (`echo '1+1' | compactor repl` prints 2; exit code 1 if any input failed).
// The prompt comes before TypeScript and the DSL are loaded (they take a
// second or two); the first input waits for them.
import repl from "node:repl";
import readline from "node:readline";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { TypeScriptSession, CompileError, type Preload, type Outcome } from "./session.js";
import { TerminalSink } from "./terminal-sink.js";
import { setDisplaySink, displaySink } from "../../display/sink.js";
import { toMimeBundle } from "../../display/bundle.js";
import { CompactorError } from "../../core/errors.js";
import { replHelp } from "./help.js";

export interface ReplOptions {
  input?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  output?: NodeJS.WritableStream & { isTTY?: boolean };
  errorOutput?: NodeJS.WritableStream;
  /** History file; default $COMPACTOR_REPL_HISTORY or ~/.compactor_repl_history. */
  historyFile?: string;
  /** Values preloaded into the session; default: everything the compactor package exports. */
  preload?: Preload | (() => Promise<Preload>);
  /** Folder for figure HTML files; default: a fresh temporary folder. */
  figureDir?: string;
  prompt?: string;
}

/** The compactor package's exports, from the compiled library next to this file. */
export async function compactorPreload(): Promise<Preload> {
  const url = new URL("../../index.js", import.meta.url);
  let module: Record<string, unknown>;
  try {
    module = (await import(url.href)) as Record<string, unknown>;
  } catch (error) {
    throw new CompactorError(
      `compactor repl: cannot load the compactor library from ${fileURLToPath(url)}: ${(error as Error).message}\n` +
        "Build it first with `npm run build` in the compactor folder.",
      { file: fileURLToPath(url) },
      { cause: error },
    );
  }
  return { values: { ...module }, typesFrom: fileURLToPath(url), moduleName: "compactor" };
}

export function defaultHistoryFile(): string {
  return process.env.COMPACTOR_REPL_HISTORY || join(homedir(), ".compactor_repl_history");
}

/** Runs a REPL session until its input ends (or .exit); resolves to the process exit code. */
export async function startRepl(options: ReplOptions = {}): Promise<number> {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const sink = new TerminalSink({ output, figureDir: options.figureDir });
  const previousSink = displaySink();
  setDisplaySink(sink);
  let session: TypeScriptSession | undefined;
  // Started now, awaited by the first input: the prompt does not wait for TypeScript.
  const ready = new Promise<TypeScriptSession>((resolve, reject) => {
    setImmediate(() => {
      const preload = options.preload ?? compactorPreload;
      Promise.resolve(typeof preload === "function" ? preload() : preload)
        .then((p) => {
          session = new TypeScriptSession(p);
          session.warmUp();
          resolve(session);
        })
        .catch(reject);
    });
  });
  ready.catch(() => {}); // reported by the first input that needs it
  try {
    return input.isTTY ? await interactive(ready, sink, { ...options, input, output }) : await scripted(ready, sink, { ...options, input, output });
  } finally {
    session?.close();
    setDisplaySink(previousSink);
  }
}

function formatError(error: unknown): string {
  if (error instanceof CompileError) return `${error.name}: ${error.message.split("\n").join("\n  ")}`;
  if (error instanceof CompactorError) return `${error.name}: ${error.message}`;
  if (error instanceof Error) {
    // Frames inside the user's input only; node internals and compactor's own frames are noise here.
    const frames = (error.stack ?? "").split("\n").filter((l) => /\(repl:|at repl:/.test(l)).slice(0, 5);
    return [`${error.name}: ${error.message}`, ...frames].join("\n");
  }
  return `Uncaught ${inspect(error)}`;
}

/** Shows a result the way Jupyter would, as text: tables, sparklines, figure files. */
function showOutcome(outcome: Outcome, sink: TerminalSink): void {
  if (!outcome.ok || !outcome.hasValue || outcome.value === undefined) return;
  sink.display(toMimeBundle(outcome.value));
}

async function scripted(ready: Promise<TypeScriptSession>, sink: TerminalSink, options: ReplOptions & Required<Pick<ReplOptions, "input" | "output">>): Promise<number> {
  const errors = options.errorOutput ?? process.stderr;
  const lines = readline.createInterface({ input: options.input, crlfDelay: Infinity, terminal: false });
  let failures = 0;
  let buffer = "";
  const run = async (source: string) => {
    let session: TypeScriptSession;
    try {
      session = await ready;
    } catch (error) {
      sink.finishLine();
      errors.write(formatError(error) + "\n");
      failures++;
      return;
    }
    const outcome = await session.evaluate(source);
    sink.finishLine();
    if (outcome.ok) showOutcome(outcome, sink);
    else {
      failures++;
      errors.write(formatError(outcome.error) + "\n");
    }
  };
  for await (const line of lines) {
    buffer += (buffer ? "\n" : "") + line;
    if (buffer.trim() === "") {
      buffer = "";
      continue;
    }
    const session = await ready.catch(() => undefined);
    if (session && !session.isComplete(buffer)) continue;
    const source = buffer;
    buffer = "";
    await run(source);
  }
  if (buffer.trim() !== "") await run(buffer);
  sink.finishLine();
  return failures > 0 ? 1 : 0;
}

async function interactive(ready: Promise<TypeScriptSession>, sink: TerminalSink, options: ReplOptions & Required<Pick<ReplOptions, "input" | "output">>): Promise<number> {
  const { input, output } = options;
  let failures = 0;
  const print = (text: string) => {
    sink.finishLine();
    output.write(text.endsWith("\n") ? text : text + "\n");
  };
  const server = repl.start({
    prompt: options.prompt ?? "compactor> ",
    input,
    output,
    terminal: true,
    ignoreUndefined: true,
    preview: false,
    eval: (source, _context, _file, callback) => {
      void (async () => {
        if (source.trim() === "") return callback(null, undefined);
        let session: TypeScriptSession;
        try {
          session = await ready;
        } catch (error) {
          print(formatError(error));
          return callback(null, undefined);
        }
        if (!session.isComplete(source)) return callback(new repl.Recoverable(new Error("incomplete input")), undefined);
        // Out of raw mode while user code runs, so Ctrl-C reaches us as SIGINT
        // (vm's breakOnSigint for synchronous loops, a listener for awaits).
        const wasRaw = input.isTTY && (input as { isRaw?: boolean }).isRaw === true;
        if (wasRaw) input.setRawMode?.(false);
        let outcome: Outcome;
        try {
          outcome = await session.evaluate(source);
        } finally {
          if (wasRaw) input.setRawMode?.(true);
        }
        sink.finishLine();
        if (outcome.ok) showOutcome(outcome, sink);
        else {
          failures++;
          print(formatError(outcome.error));
        }
        callback(null, undefined);
      })();
    },
    completer: (line: string, callback: (err: Error | null, result: [string[], string]) => void) => {
      ready.then(
        (session) => {
          const { candidates, replace } = session.complete(line, line.length);
          callback(null, [candidates.filter((c) => c.startsWith(replace)), replace]);
        },
        () => callback(null, [[], line]),
      );
    },
  });
  server.defineCommand("help", {
    help: "Show what the compactor REPL can do",
    action(topic: string) {
      print(replHelp(topic));
      this.displayPrompt();
    },
  });
  const historyFile = options.historyFile ?? defaultHistoryFile();
  await new Promise<void>((resolve) =>
    server.setupHistory(historyFile, (error) => {
      if (error) print(`history: cannot use ${historyFile} (${error.message}); this session's inputs will not be saved.`);
      resolve();
    }),
  );
  await new Promise<void>((resolve) => server.on("exit", resolve));
  void failures; // an interactive session's exit code does not depend on earlier mistakes
  return 0;
}
