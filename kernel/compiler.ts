// The main thread's handle on the converter worker (compiler-worker.ts):
// promise-returning calls, answered in order. Calls made before the worker has
// built its converter simply wait for it.
import { Worker } from "node:worker_threads";
import type { CompletionInfo } from "tslab/dist/converter.js";
import type { CellConversion } from "../src/cli/cells/convert-cell.js";

export type Completeness = "complete" | "incomplete" | "invalid";

export type CompilerRequest =
  | { id: number; op: "convert"; prevDecl: string; src: string }
  | { id: number; op: "complete" | "inspect"; prevDecl: string; src: string; position: number }
  | { id: number; op: "isComplete"; src: string };

export type CompilerResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type Omit1<T> = T extends unknown ? Omit<T, "id"> : never;

export class Compiler {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  /** Resolves once TypeScript is loaded and the first conversion can run. */
  readonly ready: Promise<void>;

  constructor() {
    this.worker = new Worker(new URL("./compiler-worker.js", import.meta.url));
    this.worker.unref();
    let markReady!: () => void;
    let fail!: (error: Error) => void;
    this.ready = new Promise((resolve, reject) => ((markReady = resolve), (fail = reject)));
    this.ready.catch(() => {}); // observed by callers; avoid an unhandled rejection before then
    this.worker.on("message", (response: CompilerResponse) => {
      if (response.id === -1) return markReady();
      const waiting = this.pending.get(response.id);
      this.pending.delete(response.id);
      if (!waiting) return;
      if (response.ok) waiting.resolve(response.result);
      else waiting.reject(new Error(`TypeScript converter failed: ${response.error}`));
    });
    this.worker.on("error", (error) => {
      fail(error);
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    });
  }

  convert(prevDecl: string, src: string): Promise<CellConversion> {
    return this.call({ op: "convert", prevDecl, src }) as Promise<CellConversion>;
  }

  complete(prevDecl: string, src: string, position: number): Promise<CompletionInfo> {
    return this.call({ op: "complete", prevDecl, src, position }) as Promise<CompletionInfo>;
  }

  /** The type and documentation of the name at `position`, as text; undefined when there is none. */
  inspect(prevDecl: string, src: string, position: number): Promise<string | undefined> {
    return this.call({ op: "inspect", prevDecl, src, position }) as Promise<string | undefined>;
  }

  isComplete(src: string): Promise<{ status: Completeness; indent?: string }> {
    return this.call({ op: "isComplete", src }) as Promise<{ status: Completeness; indent?: string }>;
  }

  async close(): Promise<void> {
    this.worker.postMessage({ op: "close" });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => void this.worker.terminate().then(() => resolve()), 2000);
      this.worker.once("exit", () => (clearTimeout(timer), resolve()));
    });
  }

  private async call(request: Omit1<CompilerRequest>): Promise<unknown> {
    await this.ready;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id });
    });
  }
}
