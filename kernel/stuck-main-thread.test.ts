import { describe, expect, it } from "vitest";
import { MainThreadBreaker, MainThreadState } from "./stuck-main-thread.js";

describe("MainThreadBreaker's cell serial numbers", () => {
  it("names, in each interrupt message, the cell running when it was sent", async () => {
    const state = new MainThreadState();
    const sent: number[] = [];
    const breaker: MainThreadBreaker = new MainThreadBreaker(state.buffer, { signal: () => {}, message: () => sent.push(breaker.cell()), log: () => {} }, 150);
    expect(state.startCell()).toBe(1);
    const first = breaker.interrupt();
    expect(state.startCell()).toBe(2);
    expect(state.cell).toBe(2);
    const second = breaker.interrupt();
    // The main thread's ticks go on (its event loop turns), so both are answered without escalation.
    await expect(first).resolves.toBe("answered");
    await expect(second).resolves.toBe("answered");
    expect(sent).toEqual([1, 2]);
    breaker.close();
  });
});
