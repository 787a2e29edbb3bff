// Interrupting code that vm's breakOnSigint cannot reach. A cell's synchronous
// part runs inside vm with breakOnSigint, so SIGINT breaks `while (true) {}`.
// But code after the cell's first `await` (`await x; while (true) {}`) runs
// later from the microtask queue, outside vm: SIGINT then only queues a
// handler the blocked main thread never gets to run. The control worker can
// still act: the main thread ticks a shared counter while its event loop turns;
// if the counter stands still for STUCK_AFTER_MS after an interrupt, the worker
// asks V8, through the inspector connected to the main thread, to terminate the
// running JavaScript (Runtime.terminateExecution: the termination ends with the
// outermost script and the event loop goes on). The kernel then reports the
// cell as interrupted and resets tfjs's engine state (src/runtime/tfjs/engine-recovery.ts).
import { Session } from "node:inspector";

/** How long the main thread may stay unresponsive after an interrupt before it is stopped. */
export const STUCK_AFTER_MS = 1000;
const TICK_MS = 100;

/** Main thread: a counter that advances while the event loop runs; share its buffer with the worker. */
export function startLivenessCounter(): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(4);
  const ticks = new Int32Array(buffer);
  setInterval(() => Atomics.add(ticks, 0, 1), TICK_MS).unref();
  return buffer;
}

/** Worker side: watches the counter and stops the main thread's JavaScript when it is stuck. */
export class MainThreadBreaker {
  private readonly ticks: Int32Array;
  private session: Session | undefined;
  private watching = false;

  constructor(buffer: SharedArrayBuffer, private readonly stuckAfterMs = STUCK_AFTER_MS) {
    this.ticks = new Int32Array(buffer);
  }

  /**
   * Call right after delivering an interrupt. Resolves true when the main thread
   * did not tick for stuckAfterMs and its JavaScript was terminated.
   */
  async breakIfStuck(): Promise<boolean> {
    if (this.watching) return false;
    this.watching = true;
    try {
      const seen = Atomics.load(this.ticks, 0);
      await new Promise((resolve) => setTimeout(resolve, this.stuckAfterMs));
      if (Atomics.load(this.ticks, 0) !== seen) return false;
      await this.terminate();
      return true;
    } finally {
      this.watching = false;
    }
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
