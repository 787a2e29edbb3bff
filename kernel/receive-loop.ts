// Reading a zeromq socket message by message, in a loop that can be revived.
// When the control worker terminates the main thread's JavaScript (a cell stuck
// after an await), V8 drops every pending promise reaction: a loop whose next
// step was queued at that moment never runs again, and the kernel stops hearing
// its frontend. revive() finds out without guessing: zeromq allows one pending
// receive per socket, so a second receive() fails with EBUSY while the loop is
// alive, and otherwise is the next step of a new loop.
import type * as zmq from "zeromq";
import { log } from "./io.js";

type Socket = zmq.Readable & { readonly closed: boolean };

export class ReceiveLoop {
  constructor(
    private readonly socket: Socket,
    private readonly name: string,
    private readonly onFrames: (frames: Buffer[]) => void,
  ) {}

  start(): void {
    this.continueWith(this.socket.receive());
  }

  /** After a termination: restarts the loop if nothing is waiting on the socket any more. */
  revive(): void {
    if (this.socket.closed) return;
    let next: Promise<Buffer[]>;
    try {
      next = this.socket.receive();
    } catch (error) {
      if (isBusy(error)) return;
      throw error;
    }
    this.continueWith(next, true);
  }

  private continueWith(next: Promise<Buffer[]>, probing = false): void {
    next.then(
      (frames) => {
        if (probing) log(`${this.name}: its receive loop had been stopped by the termination; restarted`);
        this.receiveNext(frames);
      },
      (error: unknown) => {
        if (probing && isBusy(error)) return; // the loop is alive
        if (this.socket.closed) return; // closing the socket is the normal way out
        log(`${this.name}: receive failed (${(error as Error).message}); still listening`);
        setTimeout(() => this.start(), 10);
      },
    );
  }

  private receiveNext(frames: Buffer[]): void {
    try {
      this.onFrames(frames);
    } finally {
      if (!this.socket.closed) this.continueWith(this.socket.receive());
    }
  }
}

export function isBusy(error: unknown): boolean {
  return (error as { code?: string } | undefined)?.code === "EBUSY";
}
