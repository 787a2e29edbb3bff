// Running cells. Each cell is converted by tslab's converter (types checked
// against every earlier cell, top-level await allowed), then run in this
// process with vm so a synchronous endless loop can be broken by SIGINT. Every
// top-level name lives on one `exports` object that outlives failures and
// interrupts, so the session's state survives both (src/cli/cells/cell-scope.ts).
import vm from "node:vm";
import { CellScope } from "../src/cli/cells/cell-scope.js";
import { InterruptedError } from "../src/core/errors.js";
import { requestInterrupt, resetInterrupt } from "../src/core/interrupt.js";
import type { Compiler } from "./compiler.js";
import { CellModules } from "./modules.js";
import { PHASE, type Phase } from "./stuck-main-thread.js";
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

/** What the kernel wants to know while cells run. */
export interface RunHooks {
  /** Where the main thread is, for the control worker's interrupts (stuck-main-thread.ts). */
  setPhase(phase: Phase): void;
  /** A cell (or user expression) starts running: interrupts meant for earlier ones no longer apply. */
  startCell(): void;
  /**
   * After a cell was interrupted. vm's break and the worker's termination both
   * unwind the cell without running its `finally` blocks: tfjs scopes and our
   * kernels' scratch memory are left behind.
   */
  afterInterrupt(): void;
}

const NO_HOOKS: RunHooks = { setPhase: () => {}, startCell: () => {}, afterInterrupt: () => {} };
const interrupted = () => new InterruptedError("interrupted: the cell stopped; variables defined before it are kept");

export class CellRunner {
  private prevDecl: string;
  private readonly scope: CellScope;
  private readonly modules: CellModules;
  private abandon: ((reason: Error) => void) | undefined;
  /** An interrupt came while the cell was still being converted: it must not start. */
  private interruptRequested = false;

  constructor(
    private readonly compiler: Compiler,
    private readonly preload: Preload,
    private readonly hooks: RunHooks = NO_HOOKS,
  ) {
    this.prevDecl = preload.declarations;
    this.modules = new CellModules(preload.aliases);
    this.scope = new CellScope(HOST, this.modules.require, preload.values);
  }

  /** Declarations of everything defined so far: what completion and inspection see. */
  get declarations(): string {
    return this.prevDecl;
  }

  rewrite(source: string): string {
    return this.preload.rewrite(source);
  }

  async run(source: string, cellName: string): Promise<CellOutcome> {
    this.hooks.startCell();
    resetInterrupt();
    this.interruptRequested = false;
    const rewritten = this.preload.rewrite(source);
    const converted = await this.compiler.convert(this.prevDecl, rewritten);
    if (converted.diagnostics.length > 0) return { status: "error", ...compileFailure(converted.diagnostics, source) };
    if (!converted.output) {
      if (converted.declOutput !== undefined) this.prevDecl = converted.declOutput;
      return { status: "ok", hasValue: false };
    }
    const output = converted.output;
    try {
      await this.modules.prepare(output);
      if (this.interruptRequested) throw interrupted();
      const wrapped = this.scope.wrap({ ...converted, output });
      this.hooks.setPhase(PHASE.cellSync);
      // lineOffset -1: the wrapper's first line is line 0, so stack lines count lines of `output`.
      const returned: unknown = vm.runInThisContext(wrapped, { filename: cellName, lineOffset: -1, breakOnSigint: true });
      if (converted.hasToplevelAwait) {
        this.hooks.setPhase(PHASE.cellAwaiting);
        await this.untilInterrupted(returned as Promise<unknown>);
      }
    } catch (error) {
      const failure = asInterrupted(error);
      if (failure instanceof InterruptedError) this.hooks.afterInterrupt();
      return { status: "error", ...runtimeFailure(failure, cellName, output, source) };
    } finally {
      this.hooks.setPhase(PHASE.kernel);
      // Names declared before a failure exist at run time; keep their types for later cells.
      if (converted.declOutput !== undefined) this.prevDecl = converted.declOutput;
    }
    const name = converted.lastExpressionVar;
    if (!name) return { status: "ok", hasValue: false };
    return { status: "ok", hasValue: true, value: this.scope.take(name) };
  }

  /** A top-level name's current value (for user_expressions and tests). */
  lookup(name: string): unknown {
    return this.scope.values[name];
  }

  /**
   * SIGINT or interrupt_request outside vm: a cell still being converted does not
   * start, an awaiting cell is no longer waited for, and cooperative steps
   * (training loops) stop at their next checkpoint.
   */
  interrupt(): void {
    requestInterrupt("interrupted by the user (Jupyter interrupt)");
    this.interruptRequested = true;
    const abandon = this.abandon;
    this.abandon = undefined;
    abandon?.(interrupted());
  }

  private untilInterrupted(promise: Promise<unknown>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.abandon = reject;
      // An abandoned cell that settles later must not clear a newer cell's abandon.
      promise.then(resolve, reject).finally(() => this.abandon === reject && (this.abandon = undefined));
    });
  }
}

function asInterrupted(error: unknown): unknown {
  // vm's breakOnSigint throws this code (its message differs across Node versions).
  if (error instanceof Error && (error as { code?: string }).code === "ERR_SCRIPT_EXECUTION_INTERRUPTED") {
    requestInterrupt("interrupted by the user (Jupyter interrupt)");
    return interrupted();
  }
  return error;
}
