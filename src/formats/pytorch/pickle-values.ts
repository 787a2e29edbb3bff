// What the restricted unpickler builds: plain JS values for Python's None,
// bool, int, float, str, bytes, list and dict; small classes for the rest.
// Nothing here can call anything: a global is only a name until the allow-list
// (torch-globals.ts) gives it meaning.
import type { Tensor } from "../../graph/types.js";

export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** dict and collections.OrderedDict, in insertion order. */
export class PyDict {
  readonly entries = new Map<PyValue, PyValue>();
}

/** A module-qualified name the pickle referred to; allowed ones carry their meaning. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly call?: (args: readonly PyValue[]) => PyValue,
  ) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

/** A typed storage loaded from the archive's data/<key> entry. */
export class PyStorage {
  constructor(
    readonly key: string,
    readonly data: Exclude<Tensor["data"], string[]>,
    readonly dtype: Tensor["dtype"],
  ) {}
}

export class PyTensor {
  constructor(readonly tensor: Tensor) {}
}

export type PyValue = null | boolean | number | bigint | string | Uint8Array | PyValue[] | PyTuple | PyDict | PyGlobal | PyStorage | PyTensor;

export function typeName(v: PyValue): string {
  if (v === null) return "None";
  if (Array.isArray(v)) return "list";
  if (v instanceof Uint8Array) return "bytes";
  if (v instanceof PyTuple) return "tuple";
  if (v instanceof PyDict) return "dict";
  if (v instanceof PyGlobal) return v.qualified;
  if (v instanceof PyStorage) return "storage";
  if (v instanceof PyTensor) return "tensor";
  return typeof v === "bigint" ? "int" : typeof v === "number" ? "number" : typeof v === "boolean" ? "bool" : "str";
}
