// Interrupting the main thread from the control worker, whatever it is doing.
//
// The main thread shares two numbers with the worker: a counter it ticks while
// its event loop turns, and its phase — running kernel code (or idle), running
// a cell's synchronous part inside vm, or waiting on a cell that awaits. How an
// interrupt reaches it depends on the phase:
//   - in vm: SIGINT, which vm's breakOnSigint turns into an exception in the cell;
//   - otherwise: a message, handled when the event loop turns (an awaiting cell
//     is abandoned, training stops at its next step). No signal: a SIGINT that
//     lands while vm swaps its signal handlers (every cell start and end) would
//     kill the process.
// If the main thread stays stuck after that (no tick for STUCK_AFTER_MS):
//   - in vm, SIGINT again (the first may have come just before vm listened);
//   - waiting on an awaiting cell, the stuck code is the cell's own code after an
//     await, which vm cannot reach: the worker asks V8, through the inspector
//     connected to the main thread, to terminate the running JavaScript;
//   - in kernel code, it waits: terminating the kernel's own code is what killed
//     it on busy machines (termination skips `finally` blocks and drops every
//     pending promise reaction, so the kernel's loops and vm's restoring of its
//     SIGINT listeners never run; the next SIGINT then ended the process).
// After a termination the main thread repairs what termination can break (kernel.ts).
//
// Each cell has a serial number in the shared memory too, and every interrupt the
// worker posts names the cell it was meant for: a message the stuck main thread
// reads only after that cell has ended (it queues behind the termination) must
// not stop the next cell.
import { Session } from "node:inspector";

/** How long the main thread may stay unresponsive after an interrupt before the next step. */
export const STUCK_AFTER_MS = 1000;
/** How long the worker keeps trying before it gives up on one interrupt. */
const GIVE_UP_AFTER_MS = 30_000;
const TICK_MS = 100;

export const PHASE = { kernel: 0, cellSync: 1, cellAwaiting: 2 } as const;
export type Phase = (typeof PHASE)[keyof typeof PHASE];

const TICKS = 0;
const PHASE_SLOT = 1;
const CELL_SLOT = 2;

/** Main thread: the tick counter and phase the worker reads; share `buffer` with it. */
export class MainThreadState {
  readonly buffer = new SharedArrayBuffer(12);
  private readonly cells = new Int32Array(this.buffer);

  constructor() {
    setInterval(() => Atomics.add(this.cells, TICKS, 1), TICK_MS).unref();
  }

  setPhase(phase: Phase): void {
    Atomics.store(this.cells, PHASE_SLOT, phase);
  }

  /** A cell starts: its serial number, which the worker's interrupts carry from now on. */
  startCell(): number {
    return Atomics.add(this.cells, CELL_SLOT, 1) + 1;
  }

  /** The serial number of the cell running now (or of the last one, when idle). */
  get cell(): number {
    return Atomics.load(this.cells, CELL_SLOT);
  }
}

export type InterruptOutcome = "answered" | "terminated" | "gave up";

/** How the worker reaches the main thread. */
export interface InterruptPaths {
  /** SIGINT to our own process. */
  signal(): void;
  /** A message the main thread handles when its event loop turns. */
  message(): void;
  log(line: string): void;
}

/** Worker side: delivers interrupts by phase and stops a stuck awaiting cell. */
export class MainThreadBreaker {
  private readonly cells: Int32Array;
  private session: Session | undefined;
  private running: Promise<InterruptOutcome> | undefined;

  constructor(
    buffer: SharedArrayBuffer,
    private readonly paths: InterruptPaths,
    private readonly stuckAfterMs = STUCK_AFTER_MS,
  ) {
    this.cells = new Int32Array(buffer);
  }

  /** Delivers one interrupt; resolves once the main thread has turned its event loop again (or was terminated). */
  interrupt(options: { signalled?: boolean } = {}): Promise<InterruptOutcome> {
    // A signal sent to the whole process group (signal-mode frontends, Ctrl-C) has reached the main thread already.
    if (!options.signalled) this.deliver();
    // One watch at a time: a second interrupt while the first is being delivered shares its outcome.
    this.running ??= this.watch().finally(() => (this.running = undefined));
    return this.running;
  }

  /** The serial number of the cell running now, as the main thread last set it. */
  cell(): number {
    return Atomics.load(this.cells, CELL_SLOT);
  }

  private phase(): Phase {
    return Atomics.load(this.cells, PHASE_SLOT) as Phase;
  }

  private deliver(): void {
    if (this.phase() === PHASE.cellSync) this.paths.signal();
    else this.paths.message();
  }

  private async watch(): Promise<InterruptOutcome> {
    const deadline = Date.now() + GIVE_UP_AFTER_MS;
    let waitedInKernel = false;
    while (Date.now() < deadline) {
      const seen = Atomics.load(this.cells, TICKS);
      await new Promise((resolve) => setTimeout(resolve, this.stuckAfterMs));
      if (Atomics.load(this.cells, TICKS) !== seen) return "answered";
      const phase = this.phase();
      if (phase === PHASE.cellAwaiting) {
        await this.terminate();
        return "terminated";
      }
      if (phase === PHASE.cellSync) this.paths.signal();
      else if (!waitedInKernel) {
        waitedInKernel = true;
        this.paths.log("interrupt: the main thread is busy in the kernel's own code (or in a callback an earlier cell left behind); waiting for it");
      }
    }
    this.paths.log(`interrupt: the main thread did not respond within ${GIVE_UP_AFTER_MS / 1000} s; restart the kernel if it stays busy`);
    return "gave up";
  }

  private terminate(): Promise<void> {
    if (!this.session) {
      this.session = new Session();
      this.session.connectToMainThread();
    }
    const session = this.session;
    return new Promise((resolve, reject) => session.post("Runtime.terminateExecution", (error) => (error ? reject(error) : resolve())));
  }

  close(): void {
    this.session?.disconnect();
    this.session = undefined;
  }
}
