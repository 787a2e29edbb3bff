// Every failure a user can cause is a CompactorError subclass whose message says
// what was wrong, where, and what to do. Context fields are typed so callers
// (the CLI, the kernel) can show them without parsing the message.

export interface ErrorContext {
  /** File the problem was found in, when there is one. */
  readonly file?: string;
  /** Graph node name. */
  readonly node?: string;
  /** ONNX op type. */
  readonly op?: string;
  /** ONNX opset version in force. */
  readonly opset?: number;
  /** Anything else worth showing, e.g. { expected, got }. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export class CompactorError extends Error {
  override name = "CompactorError";
  readonly context: ErrorContext;
  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.context = context;
  }
}

/** A file (ONNX, npz, safetensors, recipe…) is truncated, malformed or refused. */
export class FormatError extends CompactorError {
  override name = "FormatError";
}

/**
 * A file asks for something compactor refuses on principle: a pickle naming a
 * global outside the allow-list, a path that leaves the model's folder. Never
 * worked around; the message names what was asked for.
 */
export class SecurityError extends FormatError {
  override name = "SecurityError";
}

/** One or more ops have no implementation; lists every one of them. */
export class UnsupportedOpError extends CompactorError {
  override name = "UnsupportedOpError";
  readonly unsupported: readonly { op: string; domain: string; opset: number; nodes: string[] }[];
  constructor(
    unsupported: readonly { op: string; domain: string; opset: number; nodes: string[] }[],
    where: string,
    advice = "Run it on onnxruntime instead (--backend ort), or open an issue naming the op.",
  ) {
    const lines = unsupported.map(
      (u) => `  ${u.domain ? u.domain + "." : ""}${u.op}${u.opset > 0 ? ` (opset ${u.opset})` : ""} at node${u.nodes.length > 1 ? "s" : ""} ${u.nodes.map((n) => `"${n}"`).join(", ")}`,
    );
    super(
      unsupported.length === 0 ? `${where}:\n${advice}` : `${where}: ${unsupported.length} unsupported op${unsupported.length > 1 ? "s" : ""}:\n${lines.join("\n")}\n` + advice,
      { op: unsupported[0]?.op, opset: unsupported[0]?.opset },
    );
    this.unsupported = unsupported;
  }
}

/** Shapes or dtypes do not fit together (graph, inputs, datasets). */
export class ShapeError extends CompactorError {
  override name = "ShapeError";
}

/** A graph breaks a structural rule (dangling input, duplicate output, cycle…). */
export class GraphError extends CompactorError {
  override name = "GraphError";
}

/** Weights (a state_dict) do not fit a graph: lists every graph initializer and weight that could not be mapped. */
export class WeightMappingError extends CompactorError {
  override name = "WeightMappingError";
}

/** A backend (tfjs wasm/webgpu/node, onnxruntime) is missing or failed. */
export class BackendError extends CompactorError {
  override name = "BackendError";
}

/** A wrong option value, unknown step, bad CLI flag. */
export class OptionError extends CompactorError {
  override name = "OptionError";
}

/** Training diverged or cannot start (NaN loss, labels out of range…). */
export class TrainingError extends CompactorError {
  override name = "TrainingError";
}

/** The Jupyter wire protocol was violated by a peer. */
export class KernelProtocolError extends CompactorError {
  override name = "KernelProtocolError";
}

/** A long step was stopped by the user (Ctrl-C, the kernel's stop button). */
export class InterruptedError extends CompactorError {
  override name = "InterruptedError";
}

/** "must be one of [a, b, c]" for unknown names. */
export function mustBeOneOf(what: string, got: unknown, allowed: readonly string[]): OptionError {
  return new OptionError(`${what} must be one of [${allowed.join(", ")}], got ${JSON.stringify(got)}`, {
    details: { got, allowed },
  });
}
