import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { History } from "./history.js";

const dirs: string[] = [];
function file(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "history-"));
  dirs.push(dir);
  return path.join(dir, "h.json");
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("kernel history", () => {
  it("keeps entries across kernel sessions, numbering sessions", () => {
    const f = file();
    const first = new History(f);
    first.add(1, "const a = 1;");
    first.add(2, "a + 1");
    first.flush();
    const second = new History(f);
    expect(second.session).toBe(first.session + 1);
    second.add(1, "a * 2");
    expect(second.tail(2)).toEqual([[first.session, 2, "a + 1"], [second.session, 1, "a * 2"]]);
    expect(second.range(-1, 2, 3)).toEqual([[first.session, 2, "a + 1"]]);
    expect(second.range(0, 1)).toEqual([[second.session, 1, "a * 2"]]);
    expect(second.search("a *", undefined, false).map((e) => e[2])).toEqual(["a + 1", "a * 2"]);
    expect(second.search("a ?*", 1, false).map((e) => e[2])).toEqual(["a * 2"]);
    expect(second.search("const*", undefined, false)).toEqual([[first.session, 1, "const a = 1;"]]);
  });

  it("search with unique keeps the newest of repeated sources", () => {
    const h = new History(file());
    ["x", "y", "x"].forEach((s, i) => h.add(i + 1, s));
    expect(h.search("*", undefined, true)).toEqual([[h.session, 2, "y"], [h.session, 3, "x"]]);
  });

  it("starts over from an unreadable file instead of failing", () => {
    const f = file();
    writeFileSync(f, "{not json");
    const h = new History(f);
    expect(h.session).toBe(1);
    expect(h.tail(5)).toEqual([]);
  });
});
