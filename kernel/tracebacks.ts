// Turning failures into Jupyter's error triple (ename, evalue, traceback) with
// line numbers of the cell as typed. Type errors come with positions in the
// cell; runtime stacks point into the converted JavaScript, whose lines are
// mapped back by matching statement text (the converter keeps statements but
// adds `exports.x = x` lines and drops type annotations).
import type { Diagnostic } from "tslab/dist/converter.js";

export interface Failure {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** TypeScript diagnostic codes below 2000 are syntax errors; the rest are type errors. */
const FIRST_SEMANTIC_CODE = 2000;

export function compileFailure(diagnostics: readonly Diagnostic[], source: string): Failure {
  const lines = source.split("\n");
  const syntax = diagnostics.some((d) => d.code < FIRST_SEMANTIC_CODE);
  const where = (d: Diagnostic) => `line ${d.start.line + 1}, column ${d.start.character + 1}`;
  const first = diagnostics[0]!;
  const traceback: string[] = [];
  for (const d of diagnostics) {
    // Code 0: compactor's own rule for cells (src/cli/cells/cell-source.ts), not a TypeScript diagnostic.
    traceback.push(`${where(d)}: ${d.messageText}${d.code > 0 ? ` (TS${d.code})` : ""}`);
    const text = lines[d.start.line];
    if (text !== undefined) traceback.push(`    ${text}`, `    ${" ".repeat(d.start.character)}^`);
  }
  return {
    ename: syntax ? "SyntaxError" : "TypeError",
    evalue: `${first.messageText} (${where(first)})${diagnostics.length > 1 ? ` and ${diagnostics.length - 1} more` : ""}`,
    traceback,
  };
}

export function runtimeFailure(error: unknown, cellName: string, js: string, source: string): Failure {
  if (!(error instanceof Error)) {
    const kind = error === null ? "null" : typeof error;
    return {
      ename: "Error",
      evalue: String(error),
      traceback: [`Error: ${String(error)}`, `    (the cell threw a value of type ${kind}, not an Error object, so there is no stack)`],
    };
  }
  const ename = error.name || error.constructor?.name || "Error";
  const mapper = new LineMapper(js, source);
  const frames = (error.stack ?? "").split("\n").filter((l) => /^\s+at /.test(l));
  const traceback = [`${ename}: ${error.message}`];
  for (const frame of frames) {
    const cellLine = new RegExp(`${escapeRegExp(cellName)}:(\\d+):`).exec(frame);
    if (cellLine && !mapper.isCellCode(Number(cellLine[1]))) {
      continue; // the wrapper that calls the cell: not a line the user wrote
    } else if (cellLine) {
      traceback.push(frame.replace(new RegExp(`${escapeRegExp(cellName)}:(\\d+):(\\d+)`), (_m, line: string) => `${cellName}, line ${mapper.cellLine(Number(line))}`));
    } else if (/node:vm|node:internal|dist\/kernel\/|kernel\/cells\./.test(frame)) {
      // Frames of the kernel and of node's vm say nothing about the user's code.
      break;
    } else {
      traceback.push(frame);
    }
  }
  return { ename, evalue: error.message, traceback };
}

class LineMapper {
  private readonly jsLines: string[];
  private readonly cellLines: string[];

  constructor(js: string, source: string) {
    this.jsLines = js.split("\n");
    this.cellLines = source.split("\n");
  }

  /** False for lines of the wrapper around the converted code (before its first line, after its last). */
  isCellCode(jsLine: number): boolean {
    return jsLine >= 1 && jsLine <= this.jsLines.length;
  }

  /** The 1-based cell line for a 1-based line of the converted JavaScript. */
  cellLine(jsLine: number): number {
    const target = normalize(this.jsLines[jsLine - 1] ?? "");
    let best = 0;
    let bestScore = 0;
    this.cellLines.forEach((line, index) => {
      const score = commonPrefix(target, normalize(line));
      if (score > bestScore) [best, bestScore] = [index, score];
    });
    return best + 1;
  }
}

function normalize(line: string): string {
  return line
    .replace(/^\s*exports\.tsLastExpr\s*=\s*/, "")
    .replace(/\bexports\./g, "")
    .replace(/\s+/g, "")
    .replace(/;$/, "");
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
