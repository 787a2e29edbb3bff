// Telling the control worker that a SIGINT arrived. Worker threads get no
// signals, and the main thread's SIGINT handler is JavaScript: while a cell is
// stuck in code after an await, that handler never runs and nothing would stop
// the cell. Frontends in signal mode (jupyter_client's signal_kernel, Ctrl-C in
// a terminal) signal the kernel's whole process group, so a small shell in the
// same group sees the signal too and prints a line the worker reads. Signals the
// worker itself sends (process.kill(pid) for cells in vm) go to our pid only and
// are not relayed. The shell polls its parent and exits when the kernel is gone.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

const SCRIPT = 'trap "echo INT" INT; while kill -0 "$PPID" 2>/dev/null; do sleep 1; done';

/** Starts the relay; returns a function that stops it, or undefined where there are no POSIX signals. */
export function relaySigint(onSigint: () => void, log: (line: string) => void): (() => void) | undefined {
  if (process.platform === "win32") return undefined;
  let child: ChildProcess;
  try {
    child = spawn("/bin/sh", ["-c", SCRIPT], { stdio: ["ignore", "pipe", "ignore"] });
  } catch (error) {
    log(`interrupt: no signal relay (${(error as Error).message}); signal-mode interrupts cannot stop code after an await`);
    return undefined;
  }
  child.on("error", (error) => log(`interrupt: signal relay failed: ${error.message}`));
  createInterface({ input: child.stdout! }).on("line", (line) => line === "INT" && onSigint());
  child.unref();
  return () => void child.kill("SIGTERM");
}
