// Cell history for history_request (tail, range, search), kept in a JSON file
// so it survives restarts. Each kernel start is a new session number, as in
// IPython: entries are [session, line, source].
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { log } from "./io.js";

export type Entry = [session: number, line: number, source: string];

/** Oldest entries are dropped beyond this, so the file stays small. */
const MAX_ENTRIES = 10_000;
const SAVE_DELAY_MS = 200;

export class History {
  private readonly entries: Entry[];
  readonly session: number;
  private pendingSave: NodeJS.Timeout | undefined;

  constructor(private readonly file: string) {
    this.entries = load(file);
    this.session = this.entries.reduce((max, [s]) => Math.max(max, s), 0) + 1;
  }

  add(line: number, source: string): void {
    this.entries.push([this.session, line, source]);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    // Rewriting a long history file after every cell would cost each cell milliseconds:
    // cells that follow each other quickly are saved together, and stop() saves the rest.
    this.pendingSave ??= setTimeout(() => this.flush(), SAVE_DELAY_MS).unref();
  }

  /** Write pending entries now (called at shutdown). */
  flush(): void {
    if (!this.pendingSave) return;
    clearTimeout(this.pendingSave);
    this.pendingSave = undefined;
    this.save();
  }

  tail(n: number): Entry[] {
    return n > 0 ? this.entries.slice(-n) : [];
  }

  /** `session` 0 is this session, negative counts back from it (IPython's convention); `stop` is exclusive. */
  range(session: number, start: number, stop?: number): Entry[] {
    const wanted = session <= 0 ? this.session + session : session;
    return this.entries.filter(([s, line]) => s === wanted && line >= start && (stop === undefined || stop <= 0 || line < stop));
  }

  /** Glob `pattern` (* and ?) over sources, newest `n` matches, optionally without repeats. */
  search(pattern: string, n: number | undefined, unique: boolean): Entry[] {
    const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[\\s\\S]*").replace(/\?/g, ".")}$`);
    let found = this.entries.filter(([, , source]) => regex.test(source));
    if (unique) {
      const seen = new Set<string>();
      found = found.reverse().filter(([, , s]) => !seen.has(s) && (seen.add(s), true)).reverse();
    }
    return n !== undefined && n > 0 ? found.slice(-n) : found;
  }

  private save(): void {
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(this.entries));
      renameSync(temporary, this.file);
    } catch (error) {
      log(`could not save history to ${this.file}: ${(error as Error).message}`);
    }
  }
}

function load(file: string): Entry[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) throw new Error("not a JSON array");
    return parsed.filter(
      (e): e is Entry => Array.isArray(e) && e.length === 3 && Number.isInteger(e[0]) && Number.isInteger(e[1]) && typeof e[2] === "string",
    );
  } catch (error) {
    log(`ignoring the unreadable history file ${file} (${(error as Error).message}); a new one will replace it`);
    return [];
  }
}
