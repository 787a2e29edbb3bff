// What cells print and display, sent on iopub. process.stdout/stderr writes
// (console.log included) become `stream` messages; the display sink
// (src/display/sink.ts) becomes display_data / update_display_data /
// clear_output. Output is sent for the request being served; each cell may
// send at most OUTPUT_LIMIT bytes of text, the rest is dropped with a note so a
// runaway print cannot freeze the browser.
import { setDisplaySink, type DisplaySink } from "../src/display/sink.js";
import type { MimeBundle } from "../src/display/mime.js";

export const OUTPUT_LIMIT = 10 * 1024 * 1024;

export type Publish = (msgType: string, content: Record<string, unknown>) => void;

const originalStderrWrite = process.stderr.write.bind(process.stderr);

/** The kernel's own diagnostics: to the real stderr (Jupyter's log), never into a cell. */
export function log(line: string): void {
  originalStderrWrite(`[compactor kernel] ${line}\n`);
}

export class CellOutput {
  private sent = 0;
  private truncated = false;

  constructor(private readonly publish: Publish) {}

  /** Route process output and displays to this kernel from now on. */
  install(): void {
    for (const name of ["stdout", "stderr"] as const) {
      const stream = process[name];
      stream.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
        const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString(typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
        this.stream(name, text);
        const done = typeof encoding === "function" ? encoding : callback;
        if (typeof done === "function") queueMicrotask(() => (done as () => void)());
        return true;
      }) as typeof stream.write;
    }
    setDisplaySink(this.sink);
  }

  /** A new cell starts with a fresh output allowance. */
  startCell(): void {
    this.sent = 0;
    this.truncated = false;
  }

  stream(name: "stdout" | "stderr", text: string): void {
    if (text.length === 0) return;
    const allowed = this.take(text.length);
    if (allowed > 0) this.publish("stream", { name, text: allowed < text.length ? text.slice(0, allowed) : text });
  }

  /** A bundle for execute_result / display_data, its text shortened if it alone passes the limit. */
  bounded(bundle: MimeBundle): Record<string, unknown> {
    let size = 0;
    for (const value of Object.values(bundle)) size += typeof value === "string" ? value.length : JSON.stringify(value ?? null).length;
    const allowed = this.take(size);
    if (allowed >= size) return { ...bundle };
    return { "text/plain": bundle["text/plain"].slice(0, allowed) };
  }

  readonly sink: DisplaySink = {
    rich: true,
    display: (bundle, options) => {
      const data = this.bounded(bundle);
      const transient = options?.displayId ? { display_id: options.displayId } : {};
      this.publish(options?.update ? "update_display_data" : "display_data", { data, metadata: {}, transient });
    },
    clearOutput: (wait) => this.publish("clear_output", { wait: wait === true }),
  };

  /** How many of `size` characters may still be sent; announces the truncation once. */
  private take(size: number): number {
    const allowed = Math.max(0, Math.min(size, OUTPUT_LIMIT - this.sent));
    this.sent += allowed;
    if (allowed < size && !this.truncated) {
      this.truncated = true;
      queueMicrotask(() =>
        this.publish("stream", {
          name: "stderr",
          text: `\n[output truncated: this cell printed more than ${OUTPUT_LIMIT / 1024 / 1024} MB; the rest was dropped. Write large results to a file instead.]\n`,
        }),
      );
    }
    return allowed;
  }
}
