// The connection file Jupyter writes for each kernel: where to bind and how to
// sign. Every problem in it is reported at once, naming the file.
import { readFileSync } from "node:fs";
import { KernelProtocolError } from "../src/core/errors.js";

export const CHANNELS = ["shell", "control", "iopub", "stdin", "hb"] as const;
export type Channel = (typeof CHANNELS)[number];

export interface Connection {
  readonly key: string;
  readonly signatureScheme: string;
  /** zeromq endpoint per channel, e.g. tcp://127.0.0.1:5555 */
  readonly endpoints: Readonly<Record<Channel, string>>;
}

export function readConnection(file: string): Connection {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new KernelProtocolError(`cannot read the connection file ${file}: ${(error as Error).message}. Start the kernel from Jupyter, which writes this file.`, { file });
  }
  return parseConnection(raw, file);
}

export function parseConnection(raw: unknown, file: string): Connection {
  const c = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const problems: string[] = [];
  const transport = c.transport ?? "tcp";
  if (transport !== "tcp" && transport !== "ipc") problems.push(`"transport" must be "tcp" or "ipc", got ${JSON.stringify(transport)}`);
  if (typeof c.ip !== "string" || c.ip === "") problems.push(`"ip" must be a non-empty string`);
  const scheme = c.signature_scheme ?? "hmac-sha256";
  if (scheme !== "hmac-sha256") problems.push(`"signature_scheme" must be "hmac-sha256", got ${JSON.stringify(scheme)}`);
  if (typeof (c.key ?? "") !== "string") problems.push(`"key" must be a string`);
  const endpoints = {} as Record<Channel, string>;
  for (const channel of CHANNELS) {
    const port = c[`${channel}_port`];
    if (!Number.isInteger(port) || (port as number) < 0 || (port as number) > 65535) {
      problems.push(`"${channel}_port" must be an integer port, got ${JSON.stringify(port)}`);
      continue;
    }
    // ipc endpoints are files named <ip>-<port>, as jupyter_client makes them.
    endpoints[channel] = transport === "ipc" ? `ipc://${c.ip as string}-${port as number}` : `tcp://${c.ip as string}:${port as number}`;
  }
  if (problems.length > 0) {
    throw new KernelProtocolError(`connection file ${file} is invalid:\n  ${problems.join("\n  ")}`, { file });
  }
  return { key: (c.key as string | undefined) ?? "", signatureScheme: scheme as string, endpoints };
}
