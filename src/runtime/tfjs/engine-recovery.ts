// After the kernel stops a cell mid-call — vm's break on SIGINT and the
// worker's termination (kernel/stuck-main-thread.ts) both unwind it without
// running `finally` blocks — tfjs may be left with scopes that tf.tidy opened
// and never closed, a kernel or gradient depth above zero, a tape still
// recording, and our wasm kernels with scratch blocks never freed. Later calls
// would then track their tensors in a scope nobody ends (a leak) or record
// gradients nobody asked for. This puts the engine back to its idle state;
// tensors of the abandoned scopes and the abandoned scratch are freed.
import { freeAbandonedScratch } from "./kernels/module.js";
import { tf } from "./tf.js";

interface EngineState {
  scopeStack: unknown[];
  kernelDepth: number;
  gradientDepth: number;
  activeTape: unknown[] | null;
}

/** Returns how many abandoned scopes were closed and scratch blocks freed (0 and 0 when the engine was idle). */
export function resetEngineAfterAbort(): { scopes: number; scratchBlocks: number } {
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
  return { scopes: closed, scratchBlocks: freeAbandonedScratch() };
}
