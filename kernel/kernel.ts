// The kernel process: binds shell, iopub and stdin here and heartbeat/control
// on a worker thread (control-worker.ts), then serves shell requests one at a
// time. Every request is framed by status busy/idle on iopub; output produced
// while it runs is sent with it as parent. Messages that fail to parse or
// verify are logged and dropped (wire.ts), never run, never fatal.
import { randomUUID } from "node:crypto";
import { Worker } from "node:worker_threads";
import * as zmq from "zeromq";
import { InterruptedError } from "../src/core/errors.js";
import { CellRunner } from "./cells.js";
import { CommManager, COMMS_DECLARATIONS } from "./comms.js";
import { Compiler } from "./compiler.js";
import type { Connection } from "./connection.js";
import type { ControlEvent, ControlWorkerData } from "./control-worker.js";
import { History } from "./history.js";
import { CellOutput, log } from "./io.js";
import { kernelInfo } from "./kernel-info.js";
import { Outbox } from "./outbox.js";
import { historyFile } from "./paths.js";
import { KERNEL_DECLARATIONS, loadPreload } from "./preload.js";
import { ShellHandlers } from "./shell-handlers.js";
import { ReceiveLoop } from "./receive-loop.js";
import { MainThreadState } from "./stuck-main-thread.js";
import { decode, encode, ReplayGuard, Signer, type Message } from "./wire.js";

export class Kernel {
  readonly session = randomUUID();
  readonly signer: Signer;
  /** Shell and stdin share one history: a message captured on either is refused on both. */
  private readonly replays = new ReplayGuard();
  private readonly shell = new zmq.Router({ linger: 0 });
  private readonly iopub = new zmq.Publisher({ linger: 0 });
  private readonly stdin = new zmq.Router({ linger: 0 });
  private readonly shellOut = new Outbox(this.shell, "shell");
  private readonly iopubOut = new Outbox(this.iopub, "iopub");
  private readonly stdinOut = new Outbox(this.stdin, "stdin");
  private control: Worker | undefined;
  private readonly mainThread = new MainThreadState();
  private shellLoop: ReceiveLoop | undefined;
  private stdinLoop: ReceiveLoop | undefined;
  private readonly onSigint = () => this.interrupt();
  private readonly compiler = new Compiler();
  // Output goes to the cell that produced it, even when printed later (timers, promises)
  // while some other request (completion, kernel_info) is being served.
  readonly output = new CellOutput((type, content) => this.publish(type, content, this.cellParent ?? this.parent));
  readonly comms = new CommManager((type, content, metadata) => this.publish(type, content, this.parent, metadata));
  readonly history = new History(historyFile());
  readonly info = kernelInfo();
  /** The request being served: output and displays are sent as its children. */
  parent: Message | undefined;
  /** The latest execute_request: where cell output is sent. */
  cellParent: Message | undefined;
  private pendingInput: { resolve: (text: string) => void; reject: (error: Error) => void } | undefined;
  private runner: Promise<CellRunner> | undefined;
  private stopping = false;
  /** How many shell requests have arrived; each request is stamped with its arrival number. */
  arrivals = 0;

  constructor(private readonly connection: Connection) {
    this.signer = new Signer(connection.key, connection.signatureScheme);
  }

  /** Binds the sockets and starts serving; resolves once requests are being received (serving goes on). */
  async start(): Promise<void> {
    const { endpoints } = this.connection;
    await Promise.all([this.shell.bind(endpoints.shell), this.iopub.bind(endpoints.iopub), this.stdin.bind(endpoints.stdin)]);
    await this.startControl();
    this.output.install();
    process.on("SIGINT", this.onSigint);
    this.publish("status", { execution_state: "starting" });
    this.stdinLoop = new ReceiveLoop(this.stdin, "stdin", (frames) => this.receiveInput(frames));
    this.stdinLoop.start();
    const handlers = new ShellHandlers(this, this.compiler, () => this.cells());
    // Load the DSL once the first requests had their chance (kernel_info is answered at once).
    setTimeout(() => void this.cells().catch(() => {}), 50);
    // Requests are read as they arrive (stamped, so stop_on_error can abort the ones queued
    // behind a failed cell) and served one at a time, in order.
    const queue: Message[] = [];
    let wake: (() => void) | undefined;
    void (async () => {
      for (;;) {
        while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        await this.serve(queue.shift()!, handlers);
      }
    })();
    this.shellLoop = new ReceiveLoop(this.shell, "shell", (frames) => {
      const decoded = decode(frames, this.signer, this.replays);
      if (!decoded.ok) return log(`shell: dropped a message (${decoded.reason})`);
      queue.push(Object.assign(decoded.message, { arrival: ++this.arrivals }));
      wake?.();
    });
    this.shellLoop.start();
  }

  /** The cell runner, built on first use (it waits for the DSL to load). */
  cells(): Promise<CellRunner> {
    this.runner ??= loadPreload({
      values: { comms: this.comms.api, input: this.input, prompt: this.input },
      declarations: COMMS_DECLARATIONS + KERNEL_DECLARATIONS,
    }).then(
      (preload) =>
        new CellRunner(this.compiler, preload, {
          setPhase: (phase) => this.mainThread.setPhase(phase),
          startCell: () => void this.mainThread.startCell(),
          afterInterrupt: () => void this.resetTfjs(),
        }),
    );
    return this.runner;
  }

  private async serve(message: Message, handlers: ShellHandlers): Promise<void> {
    this.parent = message;
    this.publish("status", { execution_state: "busy" }, message);
    try {
      await handlers.handle(message);
    } catch (error) {
      // A kernel fault, not the user's code (that is reported by the handler): log it and
      // still answer, so the frontend does not wait forever.
      const type = message.header.msg_type;
      log(`${type} failed: ${(error as Error).stack ?? String(error)}`);
      if (type.endsWith("_request")) {
        const evalue = `the compactor kernel failed while handling ${type}: ${(error as Error).message ?? String(error)}`;
        await this.reply(message, type.replace(/_request$/, "_reply"), { status: "error", ename: "KernelError", evalue, traceback: [evalue] });
      }
    } finally {
      this.publish("status", { execution_state: "idle" }, message);
    }
  }

  reply(request: Message, msgType: string, content: Record<string, unknown>): Promise<void> {
    return this.shellOut.send(encode({ msgType, content, parent: request }, this.signer, this.session));
  }

  publish(msgType: string, content: Record<string, unknown>, parent = this.parent, metadata?: Record<string, unknown>): void {
    const topic = Buffer.from(`kernel.${this.session}.${msgType}`);
    void this.iopubOut.send(encode({ msgType, content, parent, metadata, identities: [topic] }, this.signer, this.session));
  }

  /** `input()` / `prompt()` in cells: an input_request on stdin, answered by the frontend's input_reply. */
  private readonly input = (prompt = "", options: { password?: boolean } = {}): Promise<string> => {
    const request = this.parent;
    if (!request || request.header.msg_type !== "execute_request") {
      return Promise.reject(new Error("input() can only be called while a cell runs"));
    }
    if (request.content.allow_stdin === false) {
      return Promise.reject(new Error("input(): this frontend does not accept input (allow_stdin is false); pass the value in code instead"));
    }
    if (this.pendingInput) return Promise.reject(new Error("input(): another input() is still waiting for an answer; await it first"));
    return new Promise<string>((resolve, reject) => {
      this.pendingInput = { resolve, reject };
      void this.stdinOut.send(
        encode({ msgType: "input_request", content: { prompt: String(prompt), password: options.password === true }, parent: request }, this.signer, this.session),
      );
    });
  };

  private receiveInput(frames: Buffer[]): void {
    const decoded = decode(frames, this.signer, this.replays);
    if (!decoded.ok) return log(`stdin: dropped a message (${decoded.reason})`);
    const { header, content } = decoded.message;
    if (header.msg_type !== "input_reply" || !this.pendingInput) return log(`stdin: unexpected ${header.msg_type} ignored`);
    const { resolve } = this.pendingInput;
    this.pendingInput = undefined;
    resolve(String(content.value ?? ""));
  }

  /** Stops the running cell; an interrupt the control worker meant for an earlier `cell` is dropped. */
  interrupt(cell?: number): void {
    if (cell !== undefined && cell !== this.mainThread.cell) return log(`interrupt: meant for a cell that has ended; the running one goes on`);
    log("interrupt");
    void this.runner?.then((runner) => runner.interrupt());
    if (this.pendingInput) {
      this.pendingInput.reject(new InterruptedError("interrupted while waiting for input"));
      this.pendingInput = undefined;
    }
  }

  /**
   * After the control worker terminated a cell stuck after an await. Termination
   * skips `finally` blocks and drops every pending promise reaction, so besides
   * tfjs's state, whatever was mid-step when it hit is repaired: the send queues,
   * the receive loops, and vm's SIGINT listeners (which vm restores in a `finally`).
   */
  private async recoverFromTermination(cell: number): Promise<void> {
    log("interrupt: the cell's code after an await ignored the interrupt; its JavaScript was terminated");
    this.interrupt(cell);
    if (!process.listeners("SIGINT").includes(this.onSigint)) process.on("SIGINT", this.onSigint);
    for (const outbox of [this.shellOut, this.iopubOut, this.stdinOut]) outbox.reset();
    this.shellLoop?.revive();
    this.stdinLoop?.revive();
    await this.resetTfjs();
  }

  /** A stopped cell may have left tfjs mid-call (engine-recovery.ts). */
  private async resetTfjs(): Promise<void> {
    const { resetEngineAfterAbort } = await import("../src/runtime/tfjs/engine-recovery.js");
    const { scopes, scratchBlocks } = resetEngineAfterAbort();
    if (scopes > 0 || scratchBlocks > 0) log(`interrupt: closed ${scopes} tfjs scope(s) and freed ${scratchBlocks} kernel scratch block(s) the stopped cell left behind`);
  }

  private startControl(): Promise<void> {
    const data: ControlWorkerData = {
      hbEndpoint: this.connection.endpoints.hb,
      controlEndpoint: this.connection.endpoints.control,
      key: this.connection.key,
      signatureScheme: this.connection.signatureScheme,
      session: this.session,
      kernelInfo: this.info,
      mainThread: this.mainThread.buffer,
    };
    const worker = new Worker(new URL("./control-worker.js", import.meta.url), { workerData: data });
    this.control = worker;
    return new Promise((resolve, reject) => {
      worker.on("message", (event: ControlEvent) => {
        if (event.type === "ready") resolve();
        else if (event.type === "failed") reject(new Error(`heartbeat/control channels: ${event.reason}`));
        else if (event.type === "log") log(event.line);
        else if (event.type === "shutdown") void this.stop(0);
        else if (event.type === "interrupt") this.interrupt(event.cell);
        else if (event.type === "terminated") void this.recoverFromTermination(event.cell);
      });
      worker.on("error", (error) => reject(error));
    });
  }

  /** Close every socket (workers first: zeromq aborts the process if a worker dies with open sockets), then exit. */
  async stop(code: number): Promise<never> {
    if (!this.stopping) {
      this.stopping = true;
      this.history.flush();
      const control = this.control;
      if (control) {
        const exited = new Promise<void>((resolve) => control.once("exit", () => resolve()));
        control.postMessage({ type: "close" });
        await Promise.race([exited, new Promise((r) => setTimeout(r, 1000))]);
      }
      await Promise.race([this.iopubOut.flushed(), new Promise((r) => setTimeout(r, 500))]);
      await this.compiler.close();
      this.shell.close();
      this.iopub.close();
      this.stdin.close();
    }
    process.exit(code);
  }
}
