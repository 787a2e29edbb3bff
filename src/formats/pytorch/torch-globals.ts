// The allow-list: every global a state_dict pickle may name, and what it means
// here. Storage types are markers (their dtype); the callables rebuild tensors
// from archive storages. Anything else (os.system, builtins.eval, a model
// class from torch.save(model)) is refused by pickle-vm.ts, by name.
import { FormatError } from "../../core/errors.js";
import { BYTES_PER_ELEMENT, numElements } from "../../graph/tensor.js";
import type { DType, Tensor } from "../../graph/types.js";
import { typedArrayOn } from "../tensor-bytes.js";
import { PyDict, PyGlobal, PyStorage, PyTensor, PyTuple, typeName, type PyValue } from "./pickle-values.js";

/** torch.<Name>Storage → element type. */
export const STORAGE_DTYPES: Readonly<Record<string, Exclude<DType, "string">>> = Object.freeze({
  FloatStorage: "float32",
  DoubleStorage: "float64",
  HalfStorage: "float16",
  BFloat16Storage: "bfloat16",
  LongStorage: "int64",
  IntStorage: "int32",
  ShortStorage: "int16",
  CharStorage: "int8",
  ByteStorage: "uint8",
  BoolStorage: "bool",
});

const isIndex = (v: PyValue): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

function intTuple(v: PyValue | undefined, what: string, where: string): number[] {
  if (!(v instanceof PyTuple) || !v.items.every(isIndex)) throw new FormatError(`${where}: tensor ${what} must be a tuple of non-negative integers, got ${typeName(v ?? null)}`);
  return v.items as number[];
}

/** A tensor viewing `storage` at `offset` with `size` and `stride`, copied out in C order. */
function rebuildTensor(args: readonly PyValue[], where: string): PyTensor {
  const [storage, offset] = args;
  if (!(storage instanceof PyStorage)) throw new FormatError(`${where}: _rebuild_tensor_v2 expects a storage first, got ${typeName(storage ?? null)}`);
  if (!isIndex(offset ?? null)) throw new FormatError(`${where}: tensor storage offset must be a non-negative integer`);
  const dims = intTuple(args[2], "size", where);
  const strides = intTuple(args[3], "stride", where);
  if (strides.length !== dims.length) throw new FormatError(`${where}: tensor has ${dims.length} sizes but ${strides.length} strides`);
  const count = numElements(dims);
  const available = storage.data.length;
  if (count > 0) {
    const last = (offset as number) + dims.reduce((sum, d, i) => sum + (d - 1) * strides[i]!, 0);
    if (last >= available) throw new FormatError(`${where}: a tensor of size [${dims.join(", ")}] at offset ${offset} reads element ${last} of storage "${storage.key}", which has ${available}`);
  }
  // A view repeating elements (stride 0, expand()) could claim far more memory than the file holds.
  if (count > available) throw new FormatError(`${where}: a tensor of size [${dims.join(", ")}] has more elements than its storage "${storage.key}" (${available}); save it after .contiguous()`);
  const contiguous = dims.every((_, i) => dims[i]! === 1 || strides[i] === numElements(dims.slice(i + 1)));
  const bytes = BYTES_PER_ELEMENT[storage.dtype];
  const src = storage.data;
  let data: Tensor["data"];
  if (contiguous) {
    data = typedArrayOn(storage.dtype as Exclude<DType, "string">, src.buffer as ArrayBuffer, src.byteOffset + (offset as number) * bytes, count);
  } else {
    const out = typedArrayOn(storage.dtype as Exclude<DType, "string">, new ArrayBuffer(count * bytes)) as unknown as { [i: number]: unknown };
    const from = src as unknown as { [i: number]: unknown };
    const index = new Array<number>(dims.length).fill(0);
    for (let k = 0; k < count; k++) {
      let at = offset as number;
      for (let d = 0; d < dims.length; d++) at += index[d]! * strides[d]!;
      out[k] = from[at];
      for (let d = dims.length - 1; d >= 0 && ++index[d]! === dims[d]; d--) index[d] = 0;
    }
    data = out as unknown as Tensor["data"];
  }
  return new PyTensor(Object.freeze({ dtype: storage.dtype, dims: Object.freeze(dims), data }) as Tensor);
}

function parameter(args: readonly PyValue[], where: string): PyValue {
  if (!(args[0] instanceof PyTensor)) throw new FormatError(`${where}: _rebuild_parameter expects a tensor, got ${typeName(args[0] ?? null)}`);
  return args[0];
}

/** Allowed globals for one file (`where` names it in errors). */
export function torchGlobals(where: string): ReadonlyMap<string, PyGlobal> {
  const entries: [string, string, ((args: readonly PyValue[]) => PyValue)?][] = [
    ["collections", "OrderedDict", () => new PyDict()],
    ["torch._utils", "_rebuild_tensor_v2", (a) => rebuildTensor(a, where)],
    ["torch._utils", "_rebuild_tensor", (a) => rebuildTensor(a, where)],
    ["torch._utils", "_rebuild_parameter", (a) => parameter(a, where)],
    ["torch._utils", "_rebuild_parameter_with_state", (a) => parameter(a, where)],
    ["torch", "Size", (a) => new PyTuple(a[0] instanceof PyTuple ? a[0].items : [])],
    ...Object.keys(STORAGE_DTYPES).map((name): [string, string] => ["torch", name]),
  ];
  return new Map(entries.map(([module, name, call]) => [`${module}.${name}`, new PyGlobal(module, name, call)]));
}

export const REFUSED_HINT =
  "A state_dict needs only collections.OrderedDict, torch._utils._rebuild_tensor_v2/_rebuild_parameter, torch.Size and the torch.*Storage types. " +
  "The file may be malicious, or it pickles a whole object (torch.save(model)): save model.state_dict() instead.";
