// Comms: custom messages between a frontend widget and kernel code. Cells see
// `comms.register(target, handler)` (the frontend opens) and
// `comms.open(target, data)` (the kernel opens); both give a Comm whose `send`
// goes out on iopub and whose `onMsg` handlers get the frontend's comm_msg.
import { randomUUID } from "node:crypto";
import type { Publish } from "./io.js";
import { log } from "./io.js";

export type CommHandler = (data: unknown, message: Record<string, unknown>) => void;

export interface Comm {
  readonly id: string;
  readonly target: string;
  send(data?: unknown, metadata?: Record<string, unknown>): void;
  close(data?: unknown): void;
  onMsg(handler: CommHandler): void;
  onClose(handler: CommHandler): void;
}

/** The cell-facing registry (the `comms` global). */
export interface CommsApi {
  register(target: string, handler: (comm: Comm, data: unknown) => void): void;
  unregister(target: string): void;
  open(target: string, data?: unknown, metadata?: Record<string, unknown>): Comm;
}

/** TypeScript declarations of the above, for cells' type-checking. */
export const COMMS_DECLARATIONS = `
interface Comm {
  readonly id: string;
  readonly target: string;
  send(data?: unknown, metadata?: Record<string, unknown>): void;
  close(data?: unknown): void;
  onMsg(handler: (data: any, message: Record<string, unknown>) => void): void;
  onClose(handler: (data: any, message: Record<string, unknown>) => void): void;
}
declare const comms: {
  register(target: string, handler: (comm: Comm, data: any) => void): void;
  unregister(target: string): void;
  open(target: string, data?: unknown, metadata?: Record<string, unknown>): Comm;
};
`;

class OpenComm implements Comm {
  readonly msgHandlers: CommHandler[] = [];
  readonly closeHandlers: CommHandler[] = [];
  closed = false;

  constructor(
    readonly id: string,
    readonly target: string,
    private readonly manager: CommManager,
  ) {}

  send(data: unknown = {}, metadata: Record<string, unknown> = {}): void {
    if (this.closed) throw new Error(`comm ${this.id} (target "${this.target}") is closed; open a new one with comms.open`);
    this.manager.publish("comm_msg", { comm_id: this.id, data }, metadata);
  }

  close(data: unknown = {}): void {
    if (this.closed) return;
    this.closed = true;
    this.manager.forget(this.id);
    this.manager.publish("comm_close", { comm_id: this.id, data });
  }

  onMsg(handler: CommHandler): void {
    this.msgHandlers.push(handler);
  }

  onClose(handler: CommHandler): void {
    this.closeHandlers.push(handler);
  }
}

export class CommManager {
  private readonly targets = new Map<string, (comm: Comm, data: unknown) => void>();
  private readonly open = new Map<string, OpenComm>();

  constructor(readonly publish: (msgType: string, content: Record<string, unknown>, metadata?: Record<string, unknown>) => void) {}

  readonly api: CommsApi = {
    register: (target, handler) => void this.targets.set(target, handler),
    unregister: (target) => void this.targets.delete(target),
    open: (target, data = {}, metadata = {}) => {
      const comm = new OpenComm(randomUUID(), target, this);
      this.open.set(comm.id, comm);
      this.publish("comm_open", { comm_id: comm.id, target_name: target, data }, metadata);
      return comm;
    },
  };

  forget(id: string): void {
    this.open.delete(id);
  }

  /** comm_info_request: open comms, optionally of one target. */
  info(target?: string): Record<string, { target_name: string }> {
    const comms: Record<string, { target_name: string }> = {};
    for (const comm of this.open.values()) if (!target || comm.target === target) comms[comm.id] = { target_name: comm.target };
    return comms;
  }

  /** comm_open / comm_msg / comm_close from the frontend. Handler errors are reported, never fatal. */
  receive(msgType: string, content: Record<string, unknown>, message: Record<string, unknown>): void {
    const id = String(content.comm_id ?? "");
    try {
      if (msgType === "comm_open") return this.opened(id, String(content.target_name ?? ""), content.data);
      const comm = this.open.get(id);
      if (!comm) return log(`${msgType} for unknown comm "${id}" ignored`);
      if (msgType === "comm_msg") for (const handler of comm.msgHandlers) handler(content.data, message);
      if (msgType === "comm_close") {
        comm.closed = true;
        this.open.delete(id);
        for (const handler of comm.closeHandlers) handler(content.data, message);
      }
    } catch (error) {
      process.stderr.write(`comm handler for ${msgType} failed: ${(error as Error).stack ?? String(error)}\n`);
    }
  }

  private opened(id: string, target: string, data: unknown): void {
    const handler = this.targets.get(target);
    if (!handler) {
      // The spec: a comm_open for an unknown target is answered by closing it.
      log(`comm_open for unregistered target "${target}": closed`);
      this.publish("comm_close", { comm_id: id, data: {} });
      return;
    }
    const comm = new OpenComm(id, target, this);
    this.open.set(id, comm);
    handler(comm, data);
  }
}
