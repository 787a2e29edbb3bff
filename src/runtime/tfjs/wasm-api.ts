// The part of the WebAssembly JS API our own kernels use (the project's
// TypeScript libs declare no WebAssembly globals): memories, synchronous
// compilation and instantiation (the modules are a few KB), and globals.

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

export interface WasmGlobal {
  readonly value: number;
}

interface WasmApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export function createWasmMemory(pages: number): WasmMemory {
  return new wasmApi.Memory({ initial: pages });
}

/** The module's exports, instantiated with `imports`. */
export function instantiate(bytes: Uint8Array, imports: object): Record<string, unknown> {
  return new wasmApi.Instance(new wasmApi.Module(bytes), imports).exports;
}
