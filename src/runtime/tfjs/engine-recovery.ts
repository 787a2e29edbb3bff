// After the kernel stops a cell by terminating the main thread's JavaScript
// (kernel/stuck-main-thread.ts), tfjs may be left mid-call: scopes that
// tf.tidy opened and never closed, a kernel or gradient depth above zero, a
// tape still recording. Later calls would then track their tensors in a scope
// nobody ends (a leak) or record gradients nobody asked for. This puts the
// engine back to its idle state; tensors of the abandoned scopes are freed.
import { tf } from "./tf.js";

interface EngineState {
  scopeStack: unknown[];
  kernelDepth: number;
  gradientDepth: number;
  activeTape: unknown[] | null;
}

/** Returns how many abandoned scopes were closed (0 when the engine was idle). */
export function resetEngineAfterAbort(): number {
  const engine = tf.engine() as unknown as { state: EngineState; endScope(result?: unknown): void };
  const state = engine.state;
  let closed = 0;
  while (state.scopeStack.length > 0) {
    engine.endScope();
    closed++;
  }
  state.kernelDepth = 0;
  state.gradientDepth = 0;
  state.activeTape = null;
  return closed;
}
