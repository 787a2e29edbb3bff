// zeromq sockets take one send at a time ("socket is busy writing" otherwise);
// messages from concurrent handlers are queued here and sent in order.
import type * as zmq from "zeromq";
import { log } from "./io.js";

export class Outbox {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: zmq.Writable & { closed: boolean },
    private readonly name: string,
  ) {}

  send(frames: Buffer[]): Promise<void> {
    this.tail = this.tail.then(async () => {
      if (this.socket.closed) return;
      try {
        await this.socket.send(frames);
      } catch (error) {
        log(`${this.name}: send failed: ${(error as Error).message}`);
      }
    });
    return this.tail;
  }

  /** Resolves when everything queued so far has been handed to zeromq. */
  flushed(): Promise<void> {
    return this.tail;
  }
}
