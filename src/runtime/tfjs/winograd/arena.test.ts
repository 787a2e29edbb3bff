import { describe, expect, it } from "vitest";
import { createWasmMemory } from "../wasm_api.js";
import { Arena } from "./arena.js";

describe("Arena", () => {
  it("aligns to 64 bytes, reuses freed ranges, coalesces neighbours and grows the memory", () => {
    const memory = createWasmMemory(1);
    const arena = new Arena(memory, 100);
    const a = arena.allocate(10);
    const b = arena.allocate(100);
    const c = arena.allocate(64);
    expect([a, b, c]).toEqual([128, 192, 320]);
    arena.release(b);
    expect(arena.allocate(64)).toBe(192); // first fit, inside b's old range
    arena.release(192);
    arena.release(a);
    // a and b merged: 64 + 128 bytes from 128.
    expect(arena.allocate(192)).toBe(128);
    expect(arena.allocated).toBe(192 + 64);
    const big = arena.allocate(200_000);
    expect(big).toBe(384);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(384 + 200_000);
    arena.f32(big, 50_000).fill(1); // the view covers memory that exists
    arena.release(big);
    arena.release(c);
    arena.release(128);
    expect(arena.allocated).toBe(0);
    // Everything freed: the next range starts at the beginning again.
    expect(arena.allocate(64)).toBe(128);
  });

  it("refuses to release what it did not allocate", () => {
    const arena = new Arena(createWasmMemory(1), 0);
    expect(() => arena.release(64)).toThrow(/offset 64 is not allocated/);
  });
});
