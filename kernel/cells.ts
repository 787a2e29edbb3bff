// Running cells. Each cell is converted by tslab's converter (types checked
// against every earlier cell, top-level await allowed), then run in this
// process with vm so a synchronous endless loop can be broken by SIGINT. Every
// top-level name lives on one `exports` object that outlives failures and
// interrupts, so the session's state survives both.
import vm from "node:vm";
import type { ConvertResult } from "tslab/dist/converter.js";
import { InterruptedError } from "../src/core/errors.js";
import { requestInterrupt, resetInterrupt } from "../src/core/interrupt.js";
import type { Compiler } from "./compiler.js";
import { CellModules } from "./modules.js";
import { compileFailure, runtimeFailure, type Failure } from "./tracebacks.js";

export type CellOutcome = { status: "ok"; hasValue: boolean; value?: unknown } | ({ status: "error" } & Failure);

export interface Preload {
  /** Names visible to every cell without an import. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Declarations giving those names their types (TypeScript source). */
  readonly declarations: string;
  /** Module ids that resolve to a fixed namespace, e.g. "compactor". */
  readonly aliases: ReadonlyMap<string, unknown>;
  /** Rewrites a cell's source before type-checking (e.g. `from "compactor"` → the DSL's typed path). */
  readonly rewrite: (source: string) => string;
}

const HOST = "__compactor_kernel__";

export class CellRunner {
  private prevDecl: string;
  private readonly exports: Record<string, unknown> = {};
  private readonly modules: CellModules;
  private abandon: ((reason: Error) => void) | undefined;

  constructor(
    private readonly compiler: Compiler,
    private readonly preload: Preload,
  ) {
    Object.assign(this.exports, preload.values);
    this.prevDecl = preload.declarations;
    this.modules = new CellModules(preload.aliases);
    const target = this.exports;
    // Converted code defines some names with defineProperty (re-exported imports); keep plain values.
    const exportsProxy = new Proxy(target, {
      defineProperty: (_t, prop, attrs) => {
        if (prop !== "__esModule") target[prop as string] = attrs.get ? attrs.get() : attrs.value;
        return true;
      },
    });
    (globalThis as Record<string, unknown>)[HOST] = { exports: exportsProxy, require: this.modules.require };
  }

  /** Declarations of everything defined so far: what completion and inspection see. */
  get declarations(): string {
    return this.prevDecl;
  }

  rewrite(source: string): string {
    return this.preload.rewrite(source);
  }

  async run(source: string, cellName: string): Promise<CellOutcome> {
    resetInterrupt();
    const rewritten = this.preload.rewrite(source);
    const converted: ConvertResult = await this.compiler.convert(this.prevDecl, rewritten);
    if (converted.diagnostics.length > 0) return { status: "error", ...compileFailure(converted.diagnostics, source) };
    if (!converted.output) {
      if (converted.declOutput !== undefined) this.prevDecl = converted.declOutput;
      return { status: "ok", hasValue: false };
    }
    const output = converted.output;
    try {
      await this.modules.prepare(output);
      const prefix = converted.hasToplevelAwait ? "(async function (exports, require) {" : "(function (exports, require) {";
      const wrapped = `${prefix}\n${output}\n})(${HOST}.exports, ${HOST}.require)`;
      // lineOffset -1: the wrapper's first line is line 0, so stack lines count lines of `output`.
      const returned: unknown = vm.runInThisContext(wrapped, { filename: cellName, lineOffset: -1, breakOnSigint: true });
      if (converted.hasToplevelAwait) await this.untilInterrupted(returned as Promise<unknown>);
    } catch (error) {
      return { status: "error", ...runtimeFailure(asInterrupted(error), cellName, output, source) };
    } finally {
      // Names declared before a failure exist at run time; keep their types for later cells.
      if (converted.declOutput !== undefined) this.prevDecl = converted.declOutput;
    }
    const name = converted.lastExpressionVar;
    if (!name) return { status: "ok", hasValue: false };
    const value = this.exports[name];
    delete this.exports[name];
    return { status: "ok", hasValue: true, value };
  }

  /** A top-level name's current value (for user_expressions and tests). */
  lookup(name: string): unknown {
    return this.exports[name];
  }

  /**
   * SIGINT or interrupt_request while a cell awaits: stop waiting for it and tell
   * cooperative steps (training loops) to stop at their next checkpoint.
   */
  interrupt(): void {
    requestInterrupt("interrupted by the user (Jupyter interrupt)");
    this.abandon?.(new InterruptedError("interrupted: the cell stopped; variables defined before it are kept"));
  }

  private untilInterrupted(promise: Promise<unknown>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.abandon = reject;
      promise.then(resolve, reject).finally(() => (this.abandon = undefined));
    });
  }
}

function asInterrupted(error: unknown): unknown {
  // vm's breakOnSigint throws this code (its message differs across Node versions).
  if (error instanceof Error && (error as { code?: string }).code === "ERR_SCRIPT_EXECUTION_INTERRUPTED") {
    requestInterrupt("interrupted by the user (Jupyter interrupt)");
    return new InterruptedError("interrupted: the cell stopped; variables defined before it are kept");
  }
  return error;
}
