// tslab's TypeScript converter on its own thread. Building it loads the
// TypeScript compiler and the lib/@types declarations (seconds), and every
// conversion type-checks the cell; doing that here keeps the main thread free
// to answer kernel_info, comms and stdin meanwhile. Requests are pure functions
// of (declarations so far, cell source), so nothing else needs sharing.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { parentPort } from "node:worker_threads";
import type { Converter } from "tslab/dist/converter.js";
import { convertCell } from "../src/cli/cells/convert-cell.js";
import type { CompilerRequest, CompilerResponse, Completeness } from "./compiler.js";

const require = createRequire(import.meta.url);
type ConverterModule = typeof import("tslab/dist/converter.js");
type TypeScript = typeof import("@tslab/typescript-for-tslab");

const converterModule = require("tslab/dist/converter.js") as ConverterModule;
const ts = require("@tslab/typescript-for-tslab") as TypeScript;
const converter: Converter = converterModule.createConverter();
warmUp();

/**
 * The first conversion that sees the DSL's declarations loads every .d.ts under
 * dist/src (about a second). Doing it now, while the main thread imports the
 * DSL itself, takes that second off the user's first cell: later conversions
 * reuse the parsed declaration files.
 */
function warmUp(): void {
  const dsl = fileURLToPath(new URL("../src/index.d.ts", import.meta.url));
  if (!existsSync(dsl)) return;
  try {
    converter.convert(`declare const __compactor_warm_up: typeof import(${JSON.stringify(dsl.replace(/\.d\.ts$/, ""))});`, "0");
  } catch {
    // Only a head start: the first real cell reports whatever is wrong.
  }
}

function run(request: CompilerRequest): unknown {
  switch (request.op) {
    case "convert":
      return convertCell(converter, request.prevDecl, request.src);
    case "complete":
      return converter.complete(request.prevDecl, request.src, request.position);
    case "inspect":
      return quickInfoText(converter.inspect(request.prevDecl, request.src, request.position));
    case "isComplete":
      return completeness(request.src);
  }
}

function completeness(src: string): { status: Completeness; indent?: string } {
  const result = converterModule.isCompleteCode(src);
  if (!result.completed) return { status: "incomplete", indent: result.indent ?? "" };
  // Complete but unparsable (`let = 5`) is "invalid": running it can only fail.
  const file = ts.createSourceFile("cell.ts", src, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS) as unknown as { parseDiagnostics?: unknown[] };
  return { status: file.parseDiagnostics && file.parseDiagnostics.length > 0 ? "invalid" : "complete" };
}

function quickInfoText(info: import("@tslab/typescript-for-tslab").QuickInfo | undefined): string | undefined {
  if (!info) return undefined;
  const signature = ts.displayPartsToString(info.displayParts);
  const docs = ts.displayPartsToString(info.documentation);
  const tags = (info.tags ?? []).map((t) => `@${t.name} ${ts.displayPartsToString(t.text)}`.trim());
  return [signature, docs, ...tags].filter((s) => s.length > 0).join("\n\n");
}

parentPort!.on("message", (request: CompilerRequest | { op: "close" }) => {
  if (request.op === "close") {
    converter.close();
    parentPort!.close();
    return;
  }
  let response: CompilerResponse;
  try {
    response = { id: request.id, ok: true, result: run(request) };
  } catch (error) {
    response = { id: request.id, ok: false, error: (error as Error).stack ?? String(error) };
  }
  parentPort!.postMessage(response);
});
parentPort!.postMessage({ id: -1, ok: true, result: "ready" } satisfies CompilerResponse);
