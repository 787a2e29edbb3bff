// zeromq sockets take one send at a time ("socket is busy writing" otherwise);
// messages from concurrent handlers are queued here and sent in order.
import type * as zmq from "zeromq";
import { log } from "./io.js";
import { isBusy } from "./receive-loop.js";

/** How long a send waits for a socket still busy with a send that a termination orphaned. */
const BUSY_RETRY_MS = 5;
const BUSY_RETRIES = 400;

export class Outbox {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: zmq.Writable & { closed: boolean },
    private readonly name: string,
  ) {}

  send(frames: Buffer[]): Promise<void> {
    this.tail = this.tail.then(() => this.sendNow(frames));
    return this.tail;
  }

  /**
   * After the main thread's JavaScript was terminated: the queue's next step may
   * have been dropped with every other pending promise reaction, so later sends
   * would wait forever behind it. Start a fresh queue.
   */
  reset(): void {
    this.tail = Promise.resolve();
  }

  /** Resolves when everything queued so far has been handed to zeromq. */
  flushed(): Promise<void> {
    return this.tail;
  }

  private async sendNow(frames: Buffer[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (this.socket.closed) return;
      try {
        await this.socket.send(frames);
        return;
      } catch (error) {
        // Busy only after a reset, while a send from before it is still in progress.
        if (isBusy(error) && attempt < BUSY_RETRIES) {
          await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
          continue;
        }
        log(`${this.name}: send failed: ${(error as Error).message}`);
        return;
      }
    }
  }
}
