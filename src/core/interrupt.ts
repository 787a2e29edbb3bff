// Cooperative interruption for long steps (training, distillation, benchmarks).
// The kernel (interrupt_request / SIGINT) and the REPL (Ctrl-C) call
// requestInterrupt(); loops call checkpoint() between batches and stop there,
// keeping the last good weights. Synchronous user code is interrupted by the
// host itself (vm's breakOnSigint), not through here.
import { InterruptedError } from "./errors.js";

let controller = new AbortController();

/** The signal long-running work should watch. Replaced after each interrupt is consumed. */
export function interruptSignal(): AbortSignal {
  return controller.signal;
}

export function requestInterrupt(reason = "interrupted by the user"): void {
  controller.abort(new InterruptedError(reason));
}

/** Called by the host before running new user code: forget any earlier interrupt. */
export function resetInterrupt(): void {
  if (controller.signal.aborted) controller = new AbortController();
}

export function interruptRequested(): boolean {
  return controller.signal.aborted;
}
