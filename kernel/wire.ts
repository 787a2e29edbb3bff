// The Jupyter wire format (messaging protocol 5.3): routing identities, the
// "<IDS|MSG>" delimiter, an HMAC-SHA256 signature over the four JSON parts, then
// header, parent_header, metadata, content and any binary buffers. Signatures
// are compared in constant time; a frame that does not parse or verify, or
// replays an earlier message, is rejected with a reason and never reaches a
// handler.
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

export const PROTOCOL_VERSION = "5.3";
const DELIMITER = "<IDS|MSG>";

export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
  [extra: string]: unknown;
}

export interface Message {
  identities: Buffer[];
  header: Header;
  parent_header: Partial<Header>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
  buffers: Buffer[];
}

export type Decoded = { ok: true; message: Message } | { ok: false; reason: string };

export class Signer {
  private readonly key: Buffer;
  constructor(
    key: string,
    private readonly scheme: string,
  ) {
    this.key = Buffer.from(key, "utf8");
  }

  /** An empty key means "no signing" in the spec (the signature field is empty). */
  sign(parts: readonly (Buffer | string)[]): string {
    if (this.key.length === 0) return "";
    const hmac = createHmac(this.algorithm(), this.key);
    for (const part of parts) hmac.update(part);
    return hmac.digest("hex");
  }

  verify(signature: Buffer, parts: readonly Buffer[]): boolean {
    if (this.key.length === 0) return true;
    const expected = Buffer.from(this.sign(parts), "ascii");
    return signature.length === expected.length && timingSafeEqual(signature, expected);
  }

  private algorithm(): string {
    // The connection file names it "hmac-sha256"; node's crypto wants "sha256".
    return this.scheme.replace(/^hmac-/, "");
  }
}

/** How many signatures a ReplayGuard remembers (jupyter_client's Session keeps 2^16 too). */
const REPLAY_HISTORY = 1 << 16;

/**
 * Signatures seen so far. Every message has its own msg_id (and date), so a
 * signature that comes again is a captured message sent again: refused, as
 * jupyter_client refuses a "Duplicate Signature". Unsigned sessions (empty key)
 * have no signatures to compare.
 */
export class ReplayGuard {
  private readonly seen = new Set<string>();

  constructor(private readonly limit = REPLAY_HISTORY) {}

  /** True the first time `signature` is seen. */
  admit(signature: Buffer): boolean {
    if (signature.length === 0) return true;
    const key = signature.toString("latin1");
    if (this.seen.has(key)) return false;
    // Forget the oldest half when full (Sets iterate in insertion order).
    if (this.seen.size >= this.limit) [...this.seen].slice(0, this.limit / 2).forEach((k) => this.seen.delete(k));
    this.seen.add(key);
    return true;
  }
}

/** Parse and verify one multipart message; nothing here throws. With a guard, a message seen before is refused. */
export function decode(frames: readonly Buffer[], signer: Signer, replays?: ReplayGuard): Decoded {
  const split = frames.findIndex((f) => f.length === DELIMITER.length && f.toString("latin1") === DELIMITER);
  if (split < 0) return { ok: false, reason: "no <IDS|MSG> delimiter" };
  if (frames.length < split + 6) return { ok: false, reason: `${frames.length - split - 1} frames after the delimiter, need at least 5` };
  const [signature, header, parent, metadata, content] = frames.slice(split + 1, split + 6) as [Buffer, Buffer, Buffer, Buffer, Buffer];
  if (!signer.verify(signature, [header, parent, metadata, content])) return { ok: false, reason: "bad HMAC signature" };
  if (replays && !replays.admit(signature)) return { ok: false, reason: "replayed message (its signature was seen before)" };
  try {
    const message: Message = {
      identities: frames.slice(0, split),
      header: JSON.parse(header.toString("utf8")) as Header,
      parent_header: JSON.parse(parent.toString("utf8")) as Partial<Header>,
      metadata: JSON.parse(metadata.toString("utf8")) as Record<string, unknown>,
      content: JSON.parse(content.toString("utf8")) as Record<string, unknown>,
      buffers: frames.slice(split + 6),
    };
    const problems = headerProblems(message.header);
    if (problems.length > 0) return { ok: false, reason: `malformed header: ${problems.join("; ")}` };
    if (!isObject(message.content) || !isObject(message.metadata) || !isObject(message.parent_header)) {
      return { ok: false, reason: "parent_header, metadata and content must be JSON objects" };
    }
    return { ok: true, message };
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${(error as Error).message}` };
  }
}

function headerProblems(header: unknown): string[] {
  if (!isObject(header)) return ["not a JSON object"];
  const h = header as Record<string, unknown>;
  return ["msg_id", "msg_type", "session"].filter((k) => typeof h[k] !== "string").map((k) => `"${k}" must be a string`);
}

function isObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export interface Outgoing {
  msgType: string;
  content: Record<string, unknown>;
  parent?: Message | undefined;
  metadata?: Record<string, unknown>;
  /** Routing prefix; defaults to the parent's identities (replies) or the topic (iopub). */
  identities?: Buffer[];
  buffers?: Buffer[];
}

/** Build the frames of a message from the kernel, answering `parent` when given. */
export function encode(out: Outgoing, signer: Signer, session: string): Buffer[] {
  const header: Header = {
    msg_id: randomUUID(),
    session,
    username: "kernel",
    date: new Date().toISOString(),
    msg_type: out.msgType,
    version: PROTOCOL_VERSION,
  };
  const parts = [header, out.parent?.header ?? {}, out.metadata ?? {}, out.content].map((p) => Buffer.from(JSON.stringify(p), "utf8"));
  const identities = out.identities ?? out.parent?.identities ?? [];
  return [...identities, Buffer.from(DELIMITER), Buffer.from(signer.sign(parts)), ...parts, ...(out.buffers ?? [])];
}
