// One method per shell request type. Replies follow the messaging spec 5.3;
// an unknown request type is logged and answered with status "error".
import { toMimeBundle } from "../src/display/bundle.js";
import type { CellRunner } from "./cells.js";
import type { Compiler } from "./compiler.js";
import { log } from "./io.js";
import type { Kernel } from "./kernel.js";
import type { Entry } from "./history.js";
import type { Message } from "./wire.js";

type Handler = (message: Message) => Promise<void>;

export class ShellHandlers {
  private executionCount = 0;
  /** After a failed cell with stop_on_error, execute requests that arrived before this number are aborted. */
  private abortQueuedBefore = 0;

  constructor(
    private readonly kernel: Kernel,
    private readonly compiler: Compiler,
    private readonly cells: () => Promise<CellRunner>,
  ) {}

  private readonly table: Readonly<Record<string, Handler>> = {
    kernel_info_request: (m) => this.kernel.reply(m, "kernel_info_reply", this.kernel.info),
    execute_request: (m) => this.execute(m),
    complete_request: (m) => this.complete(m),
    inspect_request: (m) => this.inspect(m),
    is_complete_request: (m) => this.isComplete(m),
    history_request: (m) => this.history(m),
    comm_info_request: (m) =>
      this.kernel.reply(m, "comm_info_reply", { status: "ok", comms: this.kernel.comms.info(optionalString(m.content.target_name)) }),
    comm_open: async (m) => this.kernel.comms.receive("comm_open", m.content, m as unknown as Record<string, unknown>),
    comm_msg: async (m) => this.kernel.comms.receive("comm_msg", m.content, m as unknown as Record<string, unknown>),
    comm_close: async (m) => this.kernel.comms.receive("comm_close", m.content, m as unknown as Record<string, unknown>),
  };

  async handle(message: Message): Promise<void> {
    const type = message.header.msg_type;
    const handler = this.table[type];
    if (handler) return handler(message);
    log(`shell: unsupported message type "${type}"`);
    if (type.endsWith("_request")) {
      await this.kernel.reply(message, type.replace(/_request$/, "_reply"), {
        status: "error",
        ename: "UnsupportedMessage",
        evalue: `the compactor kernel does not handle "${type}"`,
        traceback: [],
      });
    }
  }

  private async execute(message: Message): Promise<void> {
    const c = message.content;
    const code = typeof c.code === "string" ? c.code : "";
    const silent = c.silent === true;
    const storeHistory = c.store_history !== false && !silent;
    if (arrival(message) < this.abortQueuedBefore) {
      await this.kernel.reply(message, "execute_reply", { status: "aborted", execution_count: this.executionCount });
      return;
    }
    this.kernel.cellParent = message;
    if (storeHistory) this.executionCount++;
    const count = this.executionCount;
    if (!silent) this.kernel.publish("execute_input", { code, execution_count: count });
    this.kernel.output.startCell();
    const runner = await this.cells();
    const outcome = code.trim() === "" ? ({ status: "ok", hasValue: false } as const) : await runner.run(code, `cell [${count}]`);
    if (storeHistory) this.kernel.history.add(count, code);
    if (outcome.status === "error") {
      const { ename, evalue, traceback } = outcome;
      if (!silent) this.kernel.publish("error", { ename, evalue, traceback });
      if (c.stop_on_error !== false) this.abortQueuedBefore = this.kernel.arrivals + 1;
      await this.kernel.reply(message, "execute_reply", { status: "error", execution_count: count, ename, evalue, traceback });
      return;
    }
    if (outcome.hasValue && outcome.value !== undefined && !silent) {
      const data = this.kernel.output.bounded(toMimeBundle(outcome.value));
      this.kernel.publish("execute_result", { execution_count: count, data, metadata: {} });
    }
    const userExpressions = await this.userExpressions(runner, c.user_expressions);
    await this.kernel.reply(message, "execute_reply", { status: "ok", execution_count: count, user_expressions: userExpressions, payload: [] });
  }

  private async userExpressions(runner: CellRunner, expressions: unknown): Promise<Record<string, unknown>> {
    const results: Record<string, unknown> = {};
    if (typeof expressions !== "object" || expressions === null) return results;
    for (const [name, expression] of Object.entries(expressions as Record<string, unknown>)) {
      const outcome = await runner.run(String(expression), `user expression ${name}`);
      results[name] =
        outcome.status === "error"
          ? { status: "error", ename: outcome.ename, evalue: outcome.evalue, traceback: outcome.traceback }
          : { status: "ok", data: toMimeBundle(outcome.value), metadata: {} };
    }
    return results;
  }

  private async complete(message: Message): Promise<void> {
    const { code, offset } = codeAndOffset(message);
    const runner = await this.cells();
    // Rewrite the two halves apart so the cursor keeps its place in the rewritten text.
    const before = runner.rewrite(code.slice(0, offset));
    const info = await this.compiler.complete(runner.declarations, before + runner.rewrite(code.slice(offset)), before.length);
    const shift = before.length - offset;
    const start = Math.max(0, Math.min(offset, info.start - shift));
    const end = Math.max(start, Math.min(code.length, info.end - shift));
    await this.kernel.reply(message, "complete_reply", {
      status: "ok",
      matches: info.candidates,
      cursor_start: toCodePoints(code, start),
      cursor_end: toCodePoints(code, end),
      metadata: {},
    });
  }

  private async inspect(message: Message): Promise<void> {
    const { code, offset } = codeAndOffset(message);
    const runner = await this.cells();
    const before = runner.rewrite(code.slice(0, offset));
    const source = before + runner.rewrite(code.slice(offset));
    // Frontends send the cursor just after a name (`foo|`) or inside it; try both places.
    const text =
      (await this.compiler.inspect(runner.declarations, source, before.length)) ??
      (before.length > 0 ? await this.compiler.inspect(runner.declarations, source, before.length - 1) : undefined);
    await this.kernel.reply(message, "inspect_reply", {
      status: "ok",
      found: text !== undefined,
      data: text === undefined ? {} : { "text/plain": text },
      metadata: {},
    });
  }

  private async isComplete(message: Message): Promise<void> {
    const code = typeof message.content.code === "string" ? message.content.code : "";
    const result = await this.compiler.isComplete(code);
    await this.kernel.reply(message, "is_complete_reply", result.status === "incomplete" ? { status: "incomplete", indent: result.indent ?? "" } : { status: result.status });
  }

  private async history(message: Message): Promise<void> {
    const c = message.content;
    const history = this.kernel.history;
    let entries: Entry[] = [];
    if (c.hist_access_type === "tail") entries = history.tail(Number(c.n ?? 10));
    else if (c.hist_access_type === "range") entries = history.range(Number(c.session ?? 0), Number(c.start ?? 0), c.stop === undefined || c.stop === null ? undefined : Number(c.stop));
    else if (c.hist_access_type === "search") entries = history.search(String(c.pattern ?? "*"), c.n === undefined || c.n === null ? undefined : Number(c.n), c.unique === true);
    // With output requested, each entry's source becomes [source, output]; outputs are not kept.
    const shaped = c.output === true ? entries.map(([s, l, src]) => [s, l, [src, null]]) : entries;
    await this.kernel.reply(message, "history_reply", { status: "ok", history: shaped });
  }
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** The message's code and cursor, the cursor turned from code points (the protocol's unit) into a string index. */
function codeAndOffset(message: Message): { code: string; offset: number } {
  const code = typeof message.content.code === "string" ? message.content.code : "";
  const cursor = Number.isInteger(message.content.cursor_pos) ? (message.content.cursor_pos as number) : code.length;
  let offset = 0;
  for (let points = 0; points < cursor && offset < code.length; points++) offset += code.codePointAt(offset)! > 0xffff ? 2 : 1;
  return { code, offset };
}

function toCodePoints(text: string, index: number): number {
  return [...text.slice(0, index)].length;
}

/** The message's arrival number at the kernel (used for stop_on_error). */
function arrival(message: Message): number {
  return (message as Message & { arrival?: number }).arrival ?? Number.POSITIVE_INFINITY;
}
