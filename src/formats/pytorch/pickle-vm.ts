// A restricted unpickler: our own interpreter for the pickle opcodes torch.save
// writes (protocol 2, plus the few protocol 3–4 framing and string opcodes), so
// nothing in a file can run code. GLOBAL/STACK_GLOBAL only resolve names the
// caller allows (anything else is a SecurityError naming it), REDUCE and NEWOBJ
// only call allowed callables, and any other opcode is refused by name.
// Every read is bounds-checked and every allocation is bounded by the bytes
// that remain, so bad bytes end in a FormatError, never a crash.
import { FormatError, SecurityError } from "../../core/errors.js";
import { PyDict, PyGlobal, PyTuple, typeName, type PyValue } from "./pickle-values.js";

export interface PickleHooks {
  /** The global `module.name`, or undefined when it is not allowed. */
  resolveGlobal(module: string, name: string): PyGlobal | undefined;
  /** What BINPERSID's id refers to (torch: a storage in the archive). */
  persistentLoad(pid: PyValue): PyValue;
  /** Message tail for a refused global (what is allowed and what to do). */
  refusedHint: string;
}

// Opcode bytes (CPython Lib/pickle.py).
const OP = Object.freeze({
  MARK: 0x28, STOP: 0x2e, POP: 0x30, POP_MARK: 0x31, DUP: 0x32, BINFLOAT: 0x47, BININT: 0x4a, BININT1: 0x4b,
  BININT2: 0x4d, NONE: 0x4e, BINPERSID: 0x51, REDUCE: 0x52, BINUNICODE: 0x58, EMPTY_LIST: 0x5d, APPEND: 0x61,
  BUILD: 0x62, GLOBAL: 0x63, APPENDS: 0x65, BINGET: 0x68, LONG_BINGET: 0x6a, BINPUT: 0x71, LONG_BINPUT: 0x72,
  SETITEM: 0x73, TUPLE: 0x74, SETITEMS: 0x75, EMPTY_DICT: 0x7d, EMPTY_TUPLE: 0x29, PROTO: 0x80, NEWOBJ: 0x81,
  TUPLE1: 0x85, TUPLE2: 0x86, TUPLE3: 0x87, NEWTRUE: 0x88, NEWFALSE: 0x89, LONG1: 0x8a, LONG4: 0x8b,
  BINBYTES: 0x42, SHORT_BINBYTES: 0x43, SHORT_BINUNICODE: 0x8c, STACK_GLOBAL: 0x93, MEMOIZE: 0x94, FRAME: 0x95,
});
const OP_NAMES = new Map<number, string>(Object.entries(OP).map(([name, code]) => [code, name]));
/** Opcodes of pickle protocols 0–5 that torch.save never writes for a state_dict; named when refused. */
const REFUSED_NAMES: Readonly<Record<number, string>> = Object.freeze({
  0x69: "INST", 0x6f: "OBJ", 0x50: "PERSID", 0x49: "INT", 0x4c: "LONG", 0x46: "FLOAT", 0x53: "STRING", 0x54: "BINSTRING",
  0x55: "SHORT_BINSTRING", 0x56: "UNICODE", 0x64: "DICT", 0x6c: "LIST", 0x67: "GET", 0x70: "PUT", 0x82: "EXT1",
  0x83: "EXT2", 0x84: "EXT4", 0x8d: "BINUNICODE8", 0x8e: "BINBYTES8", 0x8f: "EMPTY_SET", 0x90: "ADDITEMS",
  0x91: "FROZENSET", 0x92: "NEWOBJ_EX", 0x96: "BYTEARRAY8", 0x97: "NEXT_BUFFER", 0x98: "READONLY_BUFFER",
});

export function unpickle(bytes: Uint8Array, where: string, hooks: PickleHooks): PyValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // As CPython does: MARK saves the current stack on a metastack and starts an empty one.
  let stack: PyValue[] = [];
  const metastack: PyValue[][] = [];
  const memo = new Map<number, PyValue>();
  let pos = 0;
  let opAt = 0;

  const fail = (message: string): never => {
    throw new FormatError(`${where}: pickle byte ${opAt}: ${message}`);
  };
  const need = (n: number): number => {
    if (n < 0 || pos + n > bytes.length) fail(`truncated (needs ${n} more bytes, ${bytes.length - pos} left)`);
    const at = pos;
    pos += n;
    return at;
  };
  const u8 = () => bytes[need(1)]!;
  const u16 = () => view.getUint16(need(2), true);
  const u32 = () => view.getUint32(need(4), true);
  const text = (n: number): string => {
    const at = need(n);
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(at, at + n));
    } catch {
      return fail("a string is not valid UTF-8");
    }
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail("GLOBAL name is not terminated by a newline");
    const s = new TextDecoder("latin1").decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = (): PyValue => {
    if (stack.length === 0) fail("stack underflow");
    return stack.pop()!;
  };
  const top = (): PyValue => {
    if (stack.length === 0) fail("stack underflow");
    return stack[stack.length - 1]!;
  };
  const popMark = (): PyValue[] => {
    const items = stack;
    const outer = metastack.pop();
    if (outer === undefined) fail("no MARK on the stack");
    stack = outer!;
    return items;
  };
  const global = (module: string, name: string): PyGlobal => {
    const resolved = hooks.resolveGlobal(module, name);
    if (!resolved) throw new SecurityError(`${where}: the pickle names the global "${module}.${name}", which compactor refuses (it never imports or runs anything from a file). ${hooks.refusedHint}`, { details: { global: `${module}.${name}` } });
    return resolved;
  };
  const call = (callable: PyValue, args: PyValue, opcode: string): PyValue => {
    if (!(callable instanceof PyGlobal) || !callable.call) fail(`${opcode} on ${typeName(callable)}, which is not an allowed callable`);
    if (!(args instanceof PyTuple)) fail(`${opcode} arguments must be a tuple, got ${typeName(args)}`);
    return (callable as PyGlobal).call!((args as PyTuple).items);
  };
  const long = (n: number): PyValue => {
    // Python ints in a state_dict are versions, epochs and counters; a wider one is a forged length.
    if (n > 16) fail(`a ${n}-byte integer (LONG) is wider than anything a state_dict holds`);
    const at = need(n);
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[at + i]!);
    if (n > 0 && bytes[at + n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };
  const setItems = (dict: PyValue, items: PyValue[]): void => {
    if (!(dict instanceof PyDict)) fail(`SETITEM(S) on ${typeName(dict)}, not a dict`);
    if (items.length % 2 !== 0) fail("SETITEMS with an odd number of items");
    for (let i = 0; i < items.length; i += 2) (dict as PyDict).entries.set(items[i]!, items[i + 1]!);
  };
  const append = (list: PyValue, items: PyValue[]): void => {
    if (!Array.isArray(list)) fail(`APPEND(S) on ${typeName(list)}, not a list`);
    (list as PyValue[]).push(...items);
  };
  const memoGet = (key: number): PyValue => {
    if (!memo.has(key)) fail(`memo entry ${key} is read before it is written`);
    return memo.get(key)!;
  };

  while (true) {
    opAt = pos;
    const op = u8();
    switch (op) {
      case OP.PROTO: if (u8() > 5) fail("pickle protocol above 5"); break;
      case OP.FRAME: need(8); break;
      case OP.STOP: {
        const result = pop();
        if (stack.length > 0 || metastack.length > 0) fail("STOP with values or MARKs left on the stack");
        return result;
      }
      case OP.MARK: metastack.push(stack); stack = []; break;
      case OP.POP: pop(); break;
      case OP.POP_MARK: popMark(); break;
      case OP.DUP: stack.push(top()); break;
      case OP.NONE: stack.push(null); break;
      case OP.NEWTRUE: stack.push(true); break;
      case OP.NEWFALSE: stack.push(false); break;
      case OP.BININT: stack.push(view.getInt32(need(4), true)); break;
      case OP.BININT1: stack.push(u8()); break;
      case OP.BININT2: stack.push(u16()); break;
      case OP.LONG1: stack.push(long(u8())); break;
      case OP.LONG4: stack.push(long(u32())); break;
      case OP.BINFLOAT: stack.push(view.getFloat64(need(8), false)); break;
      case OP.BINUNICODE: stack.push(text(u32())); break;
      case OP.SHORT_BINUNICODE: stack.push(text(u8())); break;
      case OP.BINBYTES: { const n = u32(); const at = need(n); stack.push(bytes.slice(at, at + n)); break; }
      case OP.SHORT_BINBYTES: { const n = u8(); const at = need(n); stack.push(bytes.slice(at, at + n)); break; }
      case OP.EMPTY_TUPLE: stack.push(new PyTuple([])); break;
      case OP.TUPLE: { const items = popMark(); stack.push(new PyTuple(items)); break; } // popMark swaps `stack` first
      case OP.TUPLE1: stack.push(new PyTuple([pop()])); break;
      case OP.TUPLE2: { const b = pop(); stack.push(new PyTuple([pop(), b])); break; }
      case OP.TUPLE3: { const c = pop(); const b = pop(); stack.push(new PyTuple([pop(), b, c])); break; }
      case OP.EMPTY_LIST: stack.push([]); break;
      case OP.APPEND: { const v = pop(); append(top(), [v]); break; }
      case OP.APPENDS: { const items = popMark(); append(top(), items); break; }
      case OP.EMPTY_DICT: stack.push(new PyDict()); break;
      case OP.SETITEM: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; }
      case OP.SETITEMS: { const items = popMark(); setItems(top(), items); break; }
      case OP.BINPUT: memo.set(u8(), top()); break;
      case OP.LONG_BINPUT: memo.set(u32(), top()); break;
      case OP.MEMOIZE: memo.set(memo.size, top()); break;
      case OP.BINGET: stack.push(memoGet(u8())); break;
      case OP.LONG_BINGET: stack.push(memoGet(u32())); break;
      case OP.GLOBAL: { const module = line(); stack.push(global(module, line())); break; }
      case OP.STACK_GLOBAL: {
        const name = pop();
        const module = pop();
        if (typeof module !== "string" || typeof name !== "string") fail("STACK_GLOBAL needs two strings");
        stack.push(global(module as string, name as string));
        break;
      }
      case OP.REDUCE: { const args = pop(); stack.push(call(pop(), args, "REDUCE")); break; }
      case OP.NEWOBJ: { const args = pop(); stack.push(call(pop(), args, "NEWOBJ")); break; }
      case OP.BINPERSID: stack.push(hooks.persistentLoad(pop())); break;
      case OP.BUILD: {
        const state = pop();
        const target = top();
        // OrderedDict state_dicts carry a `_metadata` attribute (module versions): kept out, nothing to set.
        if (!(target instanceof PyDict) || !(state instanceof PyDict || state === null)) fail(`BUILD on ${typeName(target)} with ${typeName(state)} state is not something a state_dict contains`);
        break;
      }
      default:
        fail(`opcode ${REFUSED_NAMES[op] ?? OP_NAMES.get(op) ?? `0x${op.toString(16).padStart(2, "0")}`} is not one torch.save writes; refused`);
    }
  }
}
