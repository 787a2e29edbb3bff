// Typed reads of parsed flag values, with errors that name the flag.
import { OptionError } from "../core/errors.js";
import type { CommandInput } from "./command.js";

export function stringOption(input: CommandInput, name: string): string | undefined {
  const v = input.values[name];
  return typeof v === "string" ? v : undefined;
}

export function stringListOption(input: CommandInput, name: string): string[] {
  const v = input.values[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/** An integer flag ≥ min; `fallback` when absent. */
export function intOption(input: CommandInput, name: string, fallback: number, min = 1): number {
  const v = stringOption(input, name);
  if (v === undefined) return fallback;
  if (!/^-?\d+$/.test(v) || Number(v) < min) {
    throw new OptionError(`--${name} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  }
  return Number(v);
}

/** A positive number flag; `fallback` when absent. */
export function numberOption(input: CommandInput, name: string, fallback: number): number {
  const v = stringOption(input, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n <= 0) throw new OptionError(`--${name} must be a positive number, got ${JSON.stringify(v)}`);
  return n;
}

export function shapeText(dims: readonly (number | string | null)[] | undefined): string {
  return dims === undefined ? "?" : `[${dims.map((d) => (d === null ? "?" : String(d))).join(", ")}]`;
}
