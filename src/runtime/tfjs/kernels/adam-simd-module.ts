// A WebAssembly SIMD module with one function, the Adam/AdamW update over f32x4
// lanes, assembled here byte by byte (no toolchain needed at build or run time):
//
//   adam(w, g, m, v: byte offsets, bytes: i32, β1, 1−β1, β2, 1−β2, step, ε̂, l2, decay: f32)
//     for i in [0, bytes) by 16:
//       g' = g + l2·w;  m = β1·m + (1−β1)·g';  v = β2·v + (1−β2)·g'²
//       w  = decay·w − step·m / (√v + ε̂)          (w, m, v updated in place)
//
// It imports its memory ("env"."mem") so the caller owns and grows it.

import { compileWasm, instantiate, type WasmMemory } from "../wasm-api.js";

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];

// Instructions used (WebAssembly core + fixed-width SIMD opcodes).
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const tee = (i: number) => [0x22, ...uleb(i)];
const i32Add = [0x6a];
const i32GeU = [0x4f];
const i32Const = (n: number) => [0x41, ...uleb(n)]; // n < 64: signed and unsigned LEB agree
const load = [0xfd, 0x00, 0x04, 0x00]; // v128.load align=16 offset=0
const store = [0xfd, 0x0b, 0x04, 0x00]; // v128.store
const splat = [0xfd, 0x13]; // f32x4.splat
const sqrt = [0xfd, 0xe3, 0x01];
const add = [0xfd, 0xe4, 0x01];
const sub = [0xfd, 0xe5, 0x01];
const mul = [0xfd, 0xe6, 0x01];
const div = [0xfd, 0xe7, 0x01];

// Parameters 0–4 are i32 (w, g, m, v, bytes), 5–12 f32 scalars; locals follow.
const [W, G, M, V, BYTES] = [0, 1, 2, 3, 4];
const I = 13;
const SPLATS = 14; // 14..21: the eight scalars as f32x4
const [WV, GV, MV, VV] = [22, 23, 24, 25];
const [B1, C1, B2, C2, STEP, EPS, L2, DECAY] = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => SPLATS + k) as number[];

const addr = (base: number) => [...get(base), ...get(I), ...i32Add];

function body(): number[] {
  const code: number[] = [];
  for (let k = 0; k < 8; k++) code.push(...get(5 + k), ...splat, ...set(SPLATS + k));
  code.push(0x02, 0x40, 0x03, 0x40); // block, loop
  code.push(...get(I), ...get(BYTES), ...i32GeU, 0x0d, 0x01); // br_if 1 (exit) when i >= bytes
  code.push(...addr(W), ...load, ...set(WV));
  code.push(...addr(G), ...load, ...get(WV), ...get(L2), ...mul, ...add, ...set(GV));
  code.push(...addr(M), ...addr(M), ...load, ...get(B1!), ...mul, ...get(GV), ...get(C1!), ...mul, ...add, ...tee(MV), ...store);
  code.push(...addr(V), ...addr(V), ...load, ...get(B2!), ...mul, ...get(GV), ...get(GV), ...mul, ...get(C2!), ...mul, ...add, ...tee(VV), ...store);
  code.push(...addr(W), ...get(WV), ...get(DECAY!), ...mul, ...get(MV), ...get(STEP!), ...mul, ...get(VV), ...sqrt, ...get(EPS!), ...add, ...div, ...sub, ...store);
  code.push(...get(I), ...i32Const(16), ...i32Add, ...set(I), 0x0c, 0x00); // i += 16; br 0
  code.push(0x0b, 0x0b, 0x0b); // end loop, end block, end function
  const locals = vec([
    [...uleb(1), I32],
    [...uleb(12), V128],
  ]);
  const fn = [...locals, ...code];
  return [...uleb(fn.length), ...fn];
}

function moduleBytes(): Uint8Array {
  const params = [I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, F32, F32, F32];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, ...vec(params.map((p) => [p])), ...vec([])]])),
    ...section(2, vec([[...name("env"), ...name("mem"), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vec([uleb(0)])),
    ...section(7, vec([[...name("adam"), 0x00, ...uleb(0)]])),
    ...section(10, vec([body()])),
  ];
  return Uint8Array.from(bytes);
}

export type AdamSimdFn = (
  w: number,
  g: number,
  m: number,
  v: number,
  bytes: number,
  beta1: number,
  c1: number,
  beta2: number,
  c2: number,
  step: number,
  eps: number,
  l2: number,
  decay: number,
) => void;

/** Instantiates the module on `memory` (synchronous: the module is tiny). */
export function instantiateAdamSimd(memory: WasmMemory): AdamSimdFn {
  return instantiate(compileWasm(moduleBytes()), { env: { mem: memory } }).adam as AdamSimdFn;
}
