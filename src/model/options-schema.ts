// A step's options, declared as data: what each option is, its default, and
// the limits a value must keep. The REPL's help and docs print it; steps that
// have no checks of their own validate with checkOptions, which lists every
// problem at once ("must be one of", types, ranges, required options).
import { OptionError } from "../core/errors.js";

export const OPTION_TYPES = ["number", "integer", "string", "boolean", "data", "model", "object", "array", "function"] as const;
export type OptionType = (typeof OPTION_TYPES)[number];

export interface OptionSpec {
  /** What values it takes; several types when more than one form is accepted (e.g. ["number", "object"]). */
  readonly type: OptionType | readonly OptionType[];
  /** One line for help text. */
  readonly doc: string;
  readonly default?: unknown;
  readonly required?: boolean;
  /** Allowed values (strings or numbers). */
  readonly oneOf?: readonly (string | number)[];
  /** Inclusive bounds for numbers. */
  readonly min?: number;
  readonly max?: number;
  /** Exclusive upper bound for numbers (e.g. sparsity < 1). */
  readonly below?: number;
  /** Exclusive lower bound for numbers (e.g. ratio > 0). */
  readonly above?: number;
}

export type OptionsSchema = Readonly<Record<string, OptionSpec>>;

function typeOk(type: OptionType, value: unknown): boolean {
  switch (type) {
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return Number.isInteger(value);
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "data":
      // A Dataset, or a reference such as "mnist:train" / "calib.npz".
      return typeof value === "string" || (typeof value === "object" && value !== null);
    case "model":
      return typeof value === "string" || (typeof value === "object" && value !== null);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    case "array":
      return Array.isArray(value);
    case "function":
      return typeof value === "function";
  }
}

/** Every problem with one option's value, as lines. */
export function optionProblems(name: string, spec: OptionSpec, value: unknown): string[] {
  const types = typeof spec.type === "string" ? [spec.type] : spec.type;
  if (!types.some((t) => typeOk(t, value))) return [`${name} must be ${types.join(" or ")}, got ${JSON.stringify(value) ?? typeof value}`];
  const problems: string[] = [];
  if (spec.oneOf && !spec.oneOf.includes(value as string | number)) {
    problems.push(`${name} must be one of [${spec.oneOf.join(", ")}], got ${JSON.stringify(value)}`);
  }
  if (typeof value === "number") {
    const bounds: string[] = [];
    if (spec.min !== undefined && !(value >= spec.min)) bounds.push(`≥ ${spec.min}`);
    if (spec.above !== undefined && !(value > spec.above)) bounds.push(`> ${spec.above}`);
    if (spec.max !== undefined && !(value <= spec.max)) bounds.push(`≤ ${spec.max}`);
    if (spec.below !== undefined && !(value < spec.below)) bounds.push(`< ${spec.below}`);
    if (bounds.length > 0) problems.push(`${name} must be ${describeRange(spec)}, got ${value}`);
  }
  return problems;
}

function describeRange(spec: OptionSpec): string {
  const lo = spec.min !== undefined ? `[${spec.min}` : spec.above !== undefined ? `(${spec.above}` : "(-∞";
  const hi = spec.max !== undefined ? `${spec.max}]` : spec.below !== undefined ? `${spec.below})` : "∞)";
  return `in ${lo}, ${hi}`;
}

/**
 * Checks `options` against `schema`: unknown names, missing required options,
 * wrong types and values out of range, all in one OptionError titled with the
 * step's name. Options set to undefined count as absent.
 */
export function checkOptions(step: string, schema: OptionsSchema, options: unknown, example = "{ … }"): void {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new OptionError(`${step}() takes an options object such as ${example}, got ${JSON.stringify(options)}`);
  }
  const problems: string[] = [];
  const known = Object.keys(schema);
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const spec = schema[name];
    if (spec === undefined) problems.push(`${step} option must be one of [${known.join(", ")}], got ${JSON.stringify(name)}`);
    else problems.push(...optionProblems(name, spec, value));
  }
  for (const [name, spec] of Object.entries(schema)) {
    if (spec.required && (options as Record<string, unknown>)[name] === undefined) problems.push(`${name} is required: ${spec.doc}`);
  }
  if (problems.length > 0) {
    throw new OptionError(`${step}: ${problems.length} invalid option${problems.length > 1 ? "s" : ""}:\n  ${problems.join("\n  ")}`, {
      details: { problems },
    });
  }
}

/** The schema as help lines: `name  type  (default …)  doc`. */
export function describeOptions(schema: OptionsSchema): string[] {
  const rows = Object.entries(schema).map(([name, s]) => {
    const type = typeof s.type === "string" ? s.type : s.type.join(" | ");
    const extra = s.oneOf ? ` [${s.oneOf.join(", ")}]` : "";
    const dflt = s.required ? "required" : s.default !== undefined ? `default ${JSON.stringify(s.default)}` : "optional";
    return { left: `${name}: ${type}${extra}`, right: `${dflt} · ${s.doc}` };
  });
  const width = Math.max(0, ...rows.map((r) => r.left.length));
  return rows.map((r) => `${r.left.padEnd(width)}  ${r.right}`);
}
