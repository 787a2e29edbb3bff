// A TypeScript evaluation session for the REPL: cells go through tslab's
// converter (the same one the kernel uses: types are checked across inputs,
// top-level await works), then run in this process with vm, so a synchronous
// infinite loop can be broken by SIGINT and the state (earlier variables)
// survives any failure.
import { createRequire } from "node:module";
import vm from "node:vm";
import type { Converter, Diagnostic } from "tslab/dist/converter.js";
import { CellScope } from "../cells/cell-scope.js";
import { convertCell } from "../cells/convert-cell.js";
import { aliasIds, pointImportsAt } from "../cells/module-alias.js";
import { CompactorError, InterruptedError } from "../../core/errors.js";
import { requestInterrupt, resetInterrupt } from "../../core/interrupt.js";

const require = createRequire(import.meta.url);
type ConverterModule = typeof import("tslab/dist/converter.js");

/** TypeScript rejected the input: type errors, syntax errors. Lists every diagnostic. */
export class CompileError extends CompactorError {
  override name = "CompileError";
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map((d) => `${d.start.line + 1}:${d.start.character + 1} - ${d.messageText}`).join("\n"));
  }
}

export interface Preload {
  /** Values visible to every input without an import (e.g. the compactor DSL). */
  readonly values: Readonly<Record<string, unknown>>;
  /** Module the values come from, for their types: an absolute path to a .js file with a .d.ts beside it. */
  readonly typesFrom?: string;
  /** Bare specifier that `import … from` maps to these values (e.g. "compactor"). */
  readonly moduleName?: string;
}

export type Outcome = { ok: true; hasValue: boolean; value?: unknown } | { ok: false; error: unknown };

const HOST_GLOBAL = "__compactor_repl__";

export class TypeScriptSession {
  private converterModule: ConverterModule | undefined;
  private converter: Converter | undefined;
  private prevDecl = "";
  /** Every top-level name defined so far; converted code reads and writes `exports.name`. */
  private scope: CellScope | undefined;

  constructor(private readonly preload: Preload = { values: {} }) {}

  /** Load TypeScript and build the converter (about a second); done lazily so the prompt comes first. */
  warmUp(): void {
    this.converterModule ??= require("tslab/dist/converter.js") as ConverterModule;
    if (this.converter) return;
    this.converter = this.converterModule.createConverter();
    this.scope = new CellScope(HOST_GLOBAL, this.makeRequire(), this.preload.values);
    this.prevDecl = preloadDeclarations(this.preload);
    // The first conversion that sees the preload's declarations parses every
    // .d.ts behind them (about a second); pay it now, while the user types.
    this.converter.convert(this.prevDecl, "0");
  }

  private makeRequire(): NodeJS.Require {
    const fromCwd = createRequire(`${process.cwd()}/repl.js`);
    const { moduleName, typesFrom, values } = this.preload;
    const aliases = new Set(moduleName ? aliasIds(moduleName, typedPath(typesFrom) ?? moduleName) : []);
    const wrapped = ((id: string) => (aliases.has(id) ? values : fromCwd(id))) as NodeJS.Require;
    return Object.assign(wrapped, fromCwd);
  }

  /** `import … from "compactor"` type-checks against the preload's own declarations, installed package or not. */
  private pointImports(source: string): string {
    const { moduleName, typesFrom } = this.preload;
    const typed = typedPath(typesFrom);
    return moduleName && typed ? pointImportsAt(source, moduleName, typed) : source;
  }

  /** "incomplete" while the parser says more must follow (an open brace, a trailing operator). */
  isComplete(source: string): boolean {
    this.converterModule ??= require("tslab/dist/converter.js") as ConverterModule;
    return this.converterModule.isCompleteCode(source).completed;
  }

  /** Names that could complete `source` at `position`: [candidates, the text they replace]. */
  complete(source: string, position: number): { candidates: string[]; replace: string } {
    this.warmUp();
    const info = this.converter!.complete(this.prevDecl, source, position);
    return { candidates: info.candidates, replace: source.slice(info.start, info.end) };
  }

  /** Names defined so far (variables, functions, preloaded values). */
  names(): string[] {
    return Object.keys(this.scope?.values ?? this.preload.values);
  }

  /**
   * Compile and run one input. A SIGINT while it runs stops it: synchronous code
   * through vm's breakOnSigint, awaited code by abandoning the await (and
   * requestInterrupt(), so cooperative steps stop too).
   */
  async evaluate(source: string): Promise<Outcome> {
    this.warmUp();
    resetInterrupt();
    const converted = convertCell(this.converter!, this.prevDecl, this.pointImports(source));
    if (converted.diagnostics.length > 0) return { ok: false, error: new CompileError(converted.diagnostics) };
    if (!converted.output) {
      this.prevDecl = converted.declOutput ?? this.prevDecl;
      return { ok: true, hasValue: false };
    }
    const wrapped = this.scope!.wrap({ ...converted, output: converted.output });
    try {
      const returned: unknown = vm.runInThisContext(wrapped, { filename: "repl", breakOnSigint: true });
      if (converted.hasToplevelAwait) await untilSigint(returned as Promise<unknown>);
    } catch (error) {
      return { ok: false, error: asInterrupted(error) };
    } finally {
      // Declarations made before a failure still exist at run time; keep their types.
      if (converted.declOutput) this.prevDecl = converted.declOutput;
    }
    const name = converted.lastExpressionVar;
    if (!name) return { ok: true, hasValue: false };
    return { ok: true, hasValue: true, value: this.scope!.take(name) };
  }

  close(): void {
    this.converter?.close();
    this.converter = undefined;
  }
}

/** The preload's module path as TypeScript imports it (no .js). */
function typedPath(typesFrom: string | undefined): string | undefined {
  return typesFrom?.replace(/\.js$/, "");
}

/** Types for the preloaded names, as declarations the converter treats as earlier inputs. */
function preloadDeclarations(preload: Preload): string {
  const names = Object.keys(preload.values).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
  if (!preload.typesFrom) return names.map((n) => `declare const ${n}: any;`).join("\n");
  const from = JSON.stringify(typedPath(preload.typesFrom));
  return names.map((n) => `declare const ${n}: typeof import(${from}).${n};`).join("\n");
}

function asInterrupted(error: unknown): unknown {
  // vm's breakOnSigint throws this (the message differs across Node versions; the code does not).
  if (error instanceof Error && (error as { code?: string }).code === "ERR_SCRIPT_EXECUTION_INTERRUPTED") {
    return new InterruptedError("interrupted (Ctrl-C): the input stopped; earlier variables are kept");
  }
  return error;
}

/** Await a promise, but give up on it when SIGINT arrives; cooperative steps are told to stop. */
function untilSigint(promise: Promise<unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onSigint = () => {
      process.off("SIGINT", onSigint);
      requestInterrupt("interrupted (Ctrl-C)");
      reject(new InterruptedError("interrupted (Ctrl-C): stopped waiting; earlier variables are kept"));
    };
    process.on("SIGINT", onSigint);
    promise.then(resolve, reject).finally(() => process.off("SIGINT", onSigint));
  });
}
