// .npy/.npz against files numpy wrote (test/fixtures/npz, made by
// scripts/make-npz-fixtures.py) and, where python3 with numpy is installed,
// our files read back by numpy itself.
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FormatError } from "../../core/errors.js";
import { float32, makeTensor } from "../../graph/tensor.js";
import type { Tensor } from "../../graph/types.js";
import { decodeNpy, encodeNpy, readNpy } from "./npy.js";
import { decodeNpz, encodeNpz, readNpz, writeNpz } from "./npz.js";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "test", "fixtures", "npz");

interface Expected {
  dtype: string;
  shape: number[];
  values: (number | string | boolean)[];
}
const manifest = JSON.parse(readFileSync(join(FIXTURES, "expected.json"), "utf8")) as {
  npy: Record<string, Expected>;
  npz: Record<string, Expected>;
};

/** IEEE half-precision bits → number, to compare float16 data with numpy's values. */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? Number.NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function values(t: Tensor): (number | string | boolean)[] {
  if (t.dtype === "float16") return Array.from(t.data as Uint16Array, halfToNumber);
  if (t.dtype === "int64" || t.dtype === "uint64") return Array.from(t.data as BigInt64Array, (v) => v.toString());
  if (t.dtype === "bool") return Array.from(t.data as Uint8Array, (v) => v === 1);
  return Array.from(t.data as ArrayLike<number>);
}

function expectMatches(t: Tensor, e: Expected, where: string): void {
  expect(t.dtype, where).toBe(e.dtype);
  expect(t.dims, where).toEqual(e.shape);
  expect(values(t), where).toEqual(e.values);
}

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    return e as Error;
  }
  throw new Error("expected a FormatError, nothing was thrown");
}

describe(".npy written by numpy", () => {
  it.each(Object.keys(manifest.npy))("%s", async (name) => {
    const t = await readNpy(join(FIXTURES, name));
    expectMatches(t, manifest.npy[name], name);
    if (name !== "big-endian.npy" && !name.startsWith("v")) {
      // Our writer produces numpy's bytes exactly (same header, same padding).
      expect(Buffer.from(encodeNpy(t)).equals(readFileSync(join(FIXTURES, name))), name).toBe(true);
    }
  });

  it("refuses Fortran order with what to do", async () => {
    await expect(readNpy(join(FIXTURES, "fortran.npy"))).rejects.toThrow(/fortran.npy: array is stored in Fortran order; save it in C order/);
  });
});

describe(".npz written by numpy", () => {
  it.each(["stored.npz", "deflated.npz"])("%s", async (name) => {
    const arrays = await readNpz(join(FIXTURES, name));
    expect([...arrays.keys()].sort()).toEqual(Object.keys(manifest.npz).sort());
    for (const [key, e] of Object.entries(manifest.npz)) expectMatches(arrays.get(key)!, e, `${name}:${key}`);
  });
});

describe("bad .npy/.npz input", () => {
  const good = encodeNpy(float32([2, 3], [1, 2, 3, 4, 5, 6]));

  it("truncated data, checked before allocating", () => {
    const e = thrown(() => decodeNpy(good.subarray(0, good.length - 4), { file: "x.npy" }));
    expect(e.message).toMatch(/^x.npy: shape \(2, 3\) of float32 needs 24 data bytes but there are 20 \(truncated\)/);
  });

  it("truncated and garbage headers", () => {
    expect(thrown(() => decodeNpy(good.subarray(0, 5), { file: "x.npy" })).message).toMatch(/x.npy: too short/);
    expect(thrown(() => decodeNpy(good.subarray(0, 40), { file: "x.npy" })).message).toMatch(/x.npy: header says it is 118 bytes/);
    expect(thrown(() => decodeNpy(new TextEncoder().encode("hello, this is not numpy"), { file: "x.npy" })).message).toMatch(/no \\x93NUMPY magic/);
    const bad = good.slice();
    bad.set(new TextEncoder().encode("{'descr': '<c8'"), 10);
    expect(thrown(() => decodeNpy(bad, { file: "x.npy" })).message).toMatch(/x.npy: dtype '<c8' is not supported/);
    const version = good.slice();
    version[6] = 9;
    expect(thrown(() => decodeNpy(version, { file: "x.npy" })).message).toMatch(/version 9.0 is not supported/);
  });

  it("a header declaring an absurd shape", () => {
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, 100000), }".padEnd(117, " ") + "\n";
    const bytes = new Uint8Array(10 + 118 + 8);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]);
    bytes.set(new TextEncoder().encode(header), 10);
    expect(thrown(() => decodeNpy(bytes, { file: "x.npy" })).message).toMatch(/declares more than 4294967296 elements; refused/);
  });

  it("names the archive and every bad entry at once", () => {
    const npz = zipSync({
      "ok.npy": good,
      "short.npy": good.subarray(0, good.length - 1),
      "notes.txt": new TextEncoder().encode("hi"),
    });
    const e = thrown(() => decodeNpz(npz, { file: "in.npz" }));
    expect(e.message).toMatch(/^in.npz: 2 bad entries:/);
    expect(e.message).toContain('entry "short.npy": shape (2, 3) of float32 needs 24 data bytes but there are 23');
    expect(e.message).toContain('entry "notes.txt" is not a .npy array');
  });

  it("garbage and truncated archives", () => {
    expect(thrown(() => decodeNpz(new TextEncoder().encode("not a zip at all, sorry"), { file: "in.npz" })).message).toMatch(/^in.npz: not a readable .npz/);
    const npz = encodeNpz({ a: float32([3], [1, 2, 3]) }, { compress: true });
    expect(thrown(() => decodeNpz(npz.subarray(0, npz.length - 10), { file: "in.npz" })).message).toMatch(/^in.npz: /);
  });

  it("an entry claiming an impossible uncompressed size", () => {
    const npz = encodeNpz({ a: float32([3], [1, 2, 3]) });
    // Patch the central directory's uncompressed size (offset 24 from its signature) to 1 GB.
    const view = new DataView(npz.buffer, npz.byteOffset, npz.byteLength);
    let cd = npz.length - 22;
    while (view.getUint32(cd, true) !== 0x02014b50) cd--;
    view.setUint32(cd + 24, 2 ** 30, true);
    expect(thrown(() => decodeNpz(npz, { file: "in.npz" })).message).toMatch(/entry "a.npy": declares 1073741824 bytes uncompressed from \d+ compressed/);
  });

  it("a zip bomb declaring less than it inflates to is cut at the declared size, never inflated in full", () => {
    // 4 MB of zeros deflate to a few KB; the headers then claim 100 bytes.
    const npz = zipSync({ "a.npy": [encodeNpy(float32([1 << 20], new Float32Array(1 << 20))), { level: 9 }] });
    expect(npz.length).toBeLessThan(10_000);
    const view = new DataView(npz.buffer, npz.byteOffset, npz.byteLength);
    for (let at = 0; at + 4 <= npz.length; at++) {
      if (view.getUint32(at, true) === 0x04034b50) view.setUint32(at + 22, 100, true);
      if (view.getUint32(at, true) === 0x02014b50) view.setUint32(at + 24, 100, true);
    }
    const message = thrown(() => decodeNpz(npz, { file: "bomb.npz" })).message;
    expect(message).toMatch(/^bomb.npz: 1 bad entry:\n {2}entry "a.npy": header says it is \d+ bytes but the file ends after 90/);
  });

  it("dtypes numpy has no name for", () => {
    expect(() => encodeNpy(makeTensor("bfloat16", [1], Uint16Array.from([0])))).toThrow(/bfloat16 .*numpy has no such dtype/);
  });
});

describe("our .npz read back", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "compactor-npz-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const arrays = {
    x: float32([2, 2], [0.5, -1, 2, 3]),
    labels: makeTensor("int64", [3], BigInt64Array.from([-(2n ** 63n), 2n ** 53n + 1n, 7n])),
    mask: makeTensor("bool", [2], Uint8Array.from([1, 0])),
    half: makeTensor("float16", [1], Uint16Array.from([0x3c00])),
    s: makeTensor("uint8", [], Uint8Array.from([9])),
  };

  it.each([false, true])("by ourselves (compress: %s), through a temporary file", async (compress) => {
    const path = join(dir, `ours-${compress}.npz`);
    await writeNpz(path, arrays, { compress });
    expect((await readdir(dir)).filter((f) => f.startsWith("."))).toEqual([]);
    const back = await readNpz(path);
    for (const [k, t] of Object.entries(arrays)) expect(back.get(k), k).toEqual(t);
    if (compress) expect((await readFile(path)).length).toBeLessThan(encodeNpz(arrays).length);
  });

  const python = spawnSync("python3", ["-c", "import numpy"], { encoding: "utf8" });
  const haveNumpy = python.status === 0;
  if (!haveNumpy) console.log(`skipping the numpy read-back test: python3 with numpy is not available (${python.error?.message ?? python.stderr.trim()})`);

  it.runIf(haveNumpy)("by numpy", async () => {
    const stored = join(dir, "for-numpy.npz");
    const deflated = join(dir, "for-numpy-deflated.npz");
    await writeNpz(stored, arrays);
    await writeNpz(deflated, arrays, { compress: true });
    const script = [
      "import json, sys, numpy as np",
      "out = {}",
      "for path in sys.argv[1:]:",
      "    with np.load(path) as z:",
      "        out[path] = {k: [str(z[k].dtype), list(z[k].shape), [str(v) for v in z[k].reshape(-1).tolist()]] for k in z.files}",
      "print(json.dumps(out))",
    ].join("\n");
    const run = spawnSync("python3", ["-c", script, stored, deflated], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    const seen = JSON.parse(run.stdout) as Record<string, Record<string, [string, number[], string[]]>>;
    const want = {
      x: ["float32", [2, 2], ["0.5", "-1.0", "2.0", "3.0"]],
      labels: ["int64", [3], ["-9223372036854775808", "9007199254740993", "7"]],
      mask: ["bool", [2], ["True", "False"]],
      half: ["float16", [1], ["1.0"]],
      s: ["uint8", [], ["9"]],
    };
    expect(seen[stored]).toEqual(want);
    expect(seen[deflated]).toEqual(want);
  });
});
