// Ctrl-C (SIGINT) or SIGTERM while a command trains: the first asks the steps
// to stop after the current batch (core/interrupt.ts) so the command can save
// the last good model and any checkpoint; a second one quits at once.
import { requestInterrupt, resetInterrupt } from "../core/interrupt.js";

/** Exit code of a process stopped by SIGINT (128 + 2), as shells report it. */
export const INTERRUPTED_EXIT_CODE = 130;

export async function stopOnSignal<T>(log: (line: string) => void, fn: () => Promise<T>): Promise<T> {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(INTERRUPTED_EXIT_CODE);
    signalled = true;
    log(`${signal}: stopping after the current batch to save the last good model (${signal === "SIGINT" ? "Ctrl-C" : "signal"} again quits at once, saving nothing)`);
    requestInterrupt(`interrupted (${signal})`);
  };
  resetInterrupt();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await fn();
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
