// The part of the WebAssembly JS API our own kernels use (the project's
// TypeScript libs declare no WebAssembly globals): memories, synchronous
// compilation and instantiation (the module is a few KB), and globals.

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

export interface WasmGlobal {
  readonly value: number;
}

/** A compiled module: compile once, instantiate on as many memories as needed. */
export interface WasmModule {
  readonly compiled: unique symbol;
}

interface WasmApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: Record<string, unknown> };
}

const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export function createWasmMemory(pages: number): WasmMemory {
  return new wasmApi.Memory({ initial: pages });
}

export function compileWasm(bytes: Uint8Array): WasmModule {
  return new wasmApi.Module(bytes);
}

/** The module's exports, instantiated with `imports`. */
export function instantiate(module: WasmModule, imports: object): Record<string, unknown> {
  return new wasmApi.Instance(module, imports).exports;
}
