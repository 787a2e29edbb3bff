// First-fit allocation of byte ranges in a WebAssembly memory the kernels
// share: long-lived ranges (transformed filters) and per-call scratch come and
// go, freed ranges coalesce, and the memory grows when nothing fits.
// Offsets stay valid across growth; Float32Array views do not (take them
// after allocating).
import type { WasmMemory } from "../wasm_api.js";

const PAGE = 65536;
/** Every range starts on a 64-byte boundary (a cache line; v128 loads want 16). */
const ALIGN = 64;

interface Range {
  readonly offset: number;
  readonly bytes: number;
}

export class Arena {
  /** Free ranges sorted by offset; the space past `end` is free too. */
  private free: Range[] = [];
  private end: number;
  private readonly used = new Map<number, number>();

  constructor(readonly memory: WasmMemory, start: number) {
    this.end = Math.ceil(start / ALIGN) * ALIGN;
  }

  /** Bytes currently allocated. */
  get allocated(): number {
    let sum = 0;
    for (const bytes of this.used.values()) sum += bytes;
    return sum;
  }

  allocate(requested: number): number {
    const bytes = Math.max(ALIGN, Math.ceil(requested / ALIGN) * ALIGN);
    const index = this.free.findIndex((r) => r.bytes >= bytes);
    let offset: number;
    if (index >= 0) {
      const range = this.free[index]!;
      offset = range.offset;
      if (range.bytes === bytes) this.free.splice(index, 1);
      else this.free[index] = { offset: offset + bytes, bytes: range.bytes - bytes };
    } else {
      offset = this.end;
      this.end += bytes;
      const pages = Math.ceil(this.end / PAGE) - this.memory.buffer.byteLength / PAGE;
      // Throws a RangeError past wasm32's 4 GiB; the caller falls back to tfjs's kernel.
      if (pages > 0) this.memory.grow(pages);
    }
    this.used.set(offset, bytes);
    return offset;
  }

  release(offset: number): void {
    const bytes = this.used.get(offset);
    if (bytes === undefined) throw new Error(`arena: offset ${offset} is not allocated`);
    this.used.delete(offset);
    let at = this.free.findIndex((r) => r.offset > offset);
    if (at < 0) at = this.free.length;
    this.free.splice(at, 0, { offset, bytes });
    // Merge with the following and the preceding free range, then give a free tail back to `end`.
    const next = this.free[at + 1];
    if (next && offset + bytes === next.offset) this.free.splice(at, 2, { offset, bytes: bytes + next.bytes });
    const prev = this.free[at - 1];
    const merged = this.free[at]!;
    if (prev && prev.offset + prev.bytes === merged.offset) this.free.splice(at - 1, 2, { offset: prev.offset, bytes: prev.bytes + merged.bytes });
    const last = this.free[this.free.length - 1];
    if (last && last.offset + last.bytes === this.end) {
      this.free.pop();
      this.end = last.offset;
    }
  }

  f32(offset: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, offset, length);
  }
}
