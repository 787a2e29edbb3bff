// Whether a cell's text is complete, for Jupyter's is_complete_request and the
// REPL's continuation lines. tslab's check counts open brackets and trailing
// operators; it knows nothing of template literals, so `` const s = `abc ``
// would be "complete" and then fail to parse ("invalid"). Node's REPL
// continues an unterminated template on the next line, and so do we.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
type ConverterModule = typeof import("tslab/dist/converter.js");
type TypeScript = typeof import("@tslab/typescript-for-tslab");

export type Completeness = "complete" | "incomplete" | "invalid";

/** TypeScript's "Unterminated template literal." */
const UNTERMINATED_TEMPLATE = 1160;

let converterModule: ConverterModule | undefined;
let ts: TypeScript | undefined;

export function cellCompleteness(src: string): { status: Completeness; indent?: string } {
  converterModule ??= require("tslab/dist/converter.js") as ConverterModule;
  ts ??= require("@tslab/typescript-for-tslab") as TypeScript;
  const result = converterModule.isCompleteCode(src);
  if (!result.completed) return { status: "incomplete", indent: result.indent ?? "" };
  const file = ts.createSourceFile("cell.ts", src, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS) as unknown as {
    parseDiagnostics?: { code: number }[];
  };
  const diagnostics = file.parseDiagnostics ?? [];
  // A template's text goes on verbatim: no indent.
  if (diagnostics.some((d) => d.code === UNTERMINATED_TEMPLATE)) return { status: "incomplete", indent: "" };
  // Complete but unparsable (`let = 5`) is "invalid": running it can only fail.
  return { status: diagnostics.length > 0 ? "invalid" : "complete" };
}
