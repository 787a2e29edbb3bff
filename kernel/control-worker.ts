// The channels that must answer while a cell runs: heartbeat (REP echo) and
// control (interrupt, shutdown, kernel_info). They live on this worker thread
// because a synchronous cell (`while (true) {}`) blocks the main thread. An
// interrupt_request is answered at once and delivered by MainThreadBreaker
// (stuck-main-thread.ts): SIGINT into a cell running in vm, a message otherwise,
// and termination of a cell stuck after an await.
import { parentPort, workerData } from "node:worker_threads";
import * as zmq from "zeromq";
import { relaySigint } from "./signal-relay.js";
import { MainThreadBreaker, type InterruptOutcome } from "./stuck-main-thread.js";
import { decode, encode, ReplayGuard, Signer, type Message } from "./wire.js";

export interface ControlWorkerData {
  hbEndpoint: string;
  controlEndpoint: string;
  key: string;
  signatureScheme: string;
  session: string;
  kernelInfo: Record<string, unknown>;
  /** The main thread's tick counter and phase (MainThreadState.buffer). */
  mainThread: SharedArrayBuffer;
}

/** What the worker tells the main thread. */
export type ControlEvent =
  | { type: "ready" }
  | { type: "shutdown"; restart: boolean }
  | { type: "log"; line: string }
  /** Interrupt the running cell (the main thread was not in vm, so no signal was sent). */
  | { type: "interrupt"; cell: number }
  /** The main thread's JavaScript was terminated: it was stuck in a cell's code after an await. */
  | { type: "terminated"; cell: number }
  | { type: "failed"; reason: string };

const data = workerData as ControlWorkerData;
const signer = new Signer(data.key, data.signatureScheme);
const replays = new ReplayGuard();
const heartbeat = new zmq.Reply({ linger: 0 });
const control = new zmq.Router({ linger: 0 });
const post = (event: ControlEvent) => parentPort!.postMessage(event);
const breaker = new MainThreadBreaker(data.mainThread, {
  signal: () => process.kill(process.pid, "SIGINT"),
  message: () => post({ type: "interrupt", cell: breaker.cell() }),
  log: (line) => post({ type: "log", line }),
});

function interruptMainThread(options: { signalled?: boolean } = {}): void {
  const cell = breaker.cell();
  void breaker.interrupt(options).then(
    (outcome: InterruptOutcome) => outcome === "terminated" && post({ type: "terminated", cell }),
    (error: unknown) => post({ type: "log", line: `interrupt: could not stop the main thread: ${(error as Error).message}` }),
  );
}

// A SIGINT from a signal-mode frontend reached the main thread itself; the breaker only watches it.
const stopRelay = relaySigint(
  () => interruptMainThread({ signalled: true }),
  (line) => post({ type: "log", line }),
);

async function echoHeartbeats(): Promise<void> {
  for await (const frames of heartbeat) await heartbeat.send(frames);
}

async function serveControl(): Promise<void> {
  for await (const frames of control) {
    const decoded = decode(frames, signer, replays);
    if (!decoded.ok) {
      post({ type: "log", line: `control: dropped a message (${decoded.reason})` });
      continue;
    }
    await handle(decoded.message);
  }
}

async function handle(message: Message): Promise<void> {
  const reply = (msgType: string, content: Record<string, unknown>) => control.send(encode({ msgType, content, parent: message }, signer, data.session));
  switch (message.header.msg_type) {
    case "interrupt_request":
      interruptMainThread();
      await reply("interrupt_reply", { status: "ok" });
      return;
    case "shutdown_request": {
      const restart = message.content.restart === true;
      await reply("shutdown_reply", { status: "ok", restart });
      // A cell stuck in a synchronous loop must let go before the main thread can exit.
      interruptMainThread();
      post({ type: "shutdown", restart });
      return;
    }
    case "kernel_info_request":
      await reply("kernel_info_reply", data.kernelInfo);
      return;
    default: {
      const type = message.header.msg_type;
      post({ type: "log", line: `control: unsupported message type "${type}"` });
      if (type.endsWith("_request")) {
        await reply(type.replace(/_request$/, "_reply"), {
          status: "error",
          ename: "UnsupportedMessage",
          evalue: `the compactor kernel does not handle "${type}" on the control channel`,
          traceback: [],
        });
      }
    }
  }
}

parentPort!.on("message", (message: { type: "close" }) => {
  if (message.type !== "close") return;
  breaker.close();
  stopRelay?.();
  heartbeat.close();
  control.close();
  parentPort!.close();
});

try {
  await heartbeat.bind(data.hbEndpoint);
  await control.bind(data.controlEndpoint);
  post({ type: "ready" });
  await Promise.all([echoHeartbeats(), serveControl()]).catch((error: unknown) => {
    // Closing the sockets ends the loops with an error; that is the normal way out.
    if (!heartbeat.closed || !control.closed) throw error;
  });
} catch (error) {
  post({ type: "failed", reason: (error as Error).message });
}
