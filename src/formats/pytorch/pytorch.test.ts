// PyTorch checkpoints: real torch.save files (scripts/make-pytorch-fixtures.py)
// read back exactly; every hostile or broken file is a FormatError (a
// SecurityError for a forbidden global) naming the problem; and mutated bytes
// never end in anything but a FormatError.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { FormatError, SecurityError } from "../../core/errors.js";
import { readNpz } from "../numpy/npz.js";
import { readSafetensors } from "../safetensors/safetensors.js";
import { expectSameTensor } from "../../../test/formats/helpers.js";
import { decodeTorch, readTorch } from "./state-dict.js";
import { unpickle } from "./pickle-vm.js";
import { PyDict } from "./pickle-values.js";

const FIXTURES = join(import.meta.dirname, "..", "..", "..", "test", "fixtures", "pytorch");
const at = (name: string) => join(FIXTURES, name);

async function errorOf(run: () => Promise<unknown> | unknown): Promise<Error> {
  try {
    await run();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
}

/** A torch.save-shaped archive around a hand-written pickle. */
function archive(pickle: number[] | Uint8Array, extra: Record<string, Uint8Array> = {}): Uint8Array {
  return zipSync({ "archive/data.pkl": [Uint8Array.from(pickle), { level: 0 }], ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, [v, { level: 0 }]])) });
}
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

describe("PyTorch state_dicts (torch.save zip format)", () => {
  it("reads a real state_dict with the same tensors as the safetensors file written from it", async () => {
    const sd = await readTorch(at("mlp_norms.pt"));
    const st = await readSafetensors(at("mlp_norms.safetensors"));
    expect([...sd.tensors.keys()]).toEqual([...st.tensors.keys()]);
    for (const [name, t] of st.tensors) expectSameTensor(sd.tensors.get(name)!, t, name);
    expect(sd.tensors.get("bn.num_batches_tracked")!.dtype).toBe("int64");
    expect(st.metadata).toEqual({ format: "pt" });
  });

  it("copies strided views, offsets into shared storages, and every dtype out as numpy does", async () => {
    const sd = await readTorch(at("views.pt"));
    const expected = await readNpz(at("views.expected.npz"));
    for (const [name, want] of expected) {
      const got = sd.tensors.get(name)!;
      expect(got.dims, name).toEqual(want.dims);
      if (got.dtype === "bfloat16") {
        // numpy has no bfloat16: the expected file holds float32, whose top 16 bits bfloat16 keeps.
        const f32 = new Float32Array(Uint32Array.from(got.data as Uint16Array, (b) => b << 16).buffer);
        expect(Array.from(f32)).toEqual(Array.from(want.data as Float32Array));
      } else expectSameTensor(got, want, name);
    }
  });

  it("flattens a nested checkpoint to dotted names and lists the non-tensor entries", async () => {
    const sd = await readTorch(at("checkpoint.pt"));
    const plain = await readTorch(at("cnn_bn.pt"));
    expect([...sd.tensors.keys()]).toEqual([...plain.tensors.keys()].map((k) => `model.${k}`));
    expect(sd.skipped).toEqual(["epoch", "optimizer.lr", "optimizer.betas.0", "optimizer.betas.1"]);
  });

  it("refuses os.system, builtins.eval and pickled model classes by name, as a SecurityError", async () => {
    for (const [file, global] of [["evil_system.pt", "posix.system"], ["evil_eval.pt", "__builtin__.eval"], ["whole_model.pt", "__main__.MlpNorms"]] as const) {
      const e = await errorOf(() => readTorch(at(file)));
      expect(e, file).toBeInstanceOf(SecurityError);
      expect(e.message).toContain(`"${global}"`);
      expect(e.message).toContain("state_dict()");
    }
    const stacked = archive([0x80, 0x04, 0x8c, 8, ...ascii("builtins"), 0x8c, 4, ...ascii("exec"), 0x93, 0x2e]);
    expect((await errorOf(() => decodeTorch(stacked))).message).toContain('"builtins.exec"');
  });

  it("says what to do with the legacy format", async () => {
    const e = await errorOf(() => readTorch(at("legacy.pt")));
    expect(e).toBeInstanceOf(FormatError);
    expect(e.message).toMatch(/legacy \(pre-1\.6\) serialization format.*torch\.save\(torch\.load\(path\), path\)/);
  });

  it("names the damage in truncated and forged archives", async () => {
    const bytes = await readFile(at("cnn_bn.pt"));
    for (const cut of [bytes.length - 10, Math.floor(bytes.length / 2), 100]) {
      const e = await errorOf(() => decodeTorch(bytes.subarray(0, cut), { file: "cut.pt" }));
      expect(e, `cut at ${cut}`).toBeInstanceOf(FormatError);
      expect(e.message).toMatch(/cut\.pt: (not a readable zip|truncated or corrupt zip)/);
    }
    // A central directory entry claiming a huge uncompressed size is refused before anything is allocated.
    const forged = Uint8Array.from(bytes);
    const view = new DataView(forged.buffer);
    const central = forged.findIndex((_, i) => view.getUint32(i, true) === 0x02014b50);
    view.setUint32(central + 24, 0x7fffffff, true);
    expect((await errorOf(() => decodeTorch(forged, { file: "forged.pt" }))).message).toMatch(/declares 2147483647 bytes .* impossible/);
  });

  it("names a missing storage entry and a storage shorter than it claims", async () => {
    const pid = (numel: number) => [
      0x63, ...ascii("torch._utils\n_rebuild_tensor_v2\n"), 0x28,
      0x28, 0x58, 7, 0, 0, 0, ...ascii("storage"), 0x63, ...ascii("torch\nFloatStorage\n"), 0x58, 1, 0, 0, 0, ...ascii("0"), 0x58, 3, 0, 0, 0, ...ascii("cpu"), 0x4b, numel, 0x74, 0x51,
      0x4b, 0, 0x4b, numel, 0x85, 0x4b, 1, 0x85, 0x89, 0x4e, 0x74, 0x52, 0x2e,
    ];
    expect((await errorOf(() => decodeTorch(archive(pid(2))))).message).toMatch(/storage "0", but the archive has no entry archive\/data\/0/);
    expect((await errorOf(() => decodeTorch(archive(pid(4), { "archive/data/0": new Uint8Array(8) })))).message).toMatch(/declares 4 float32 elements \(16 bytes\) but its entry holds 8/);
    const ok = decodeTorch(archive(pid(2), { "archive/data/0": new Uint8Array(new Float32Array([1.5, -3]).buffer) }));
    expect(Array.from(ok.tensors.get("")!.data as Float32Array)).toEqual([1.5, -3]);
  });

  it("refuses malformed pickles by opcode and position", () => {
    const hooks = { resolveGlobal: () => undefined, persistentLoad: () => null, refusedHint: "" };
    const cases: [number[], RegExp][] = [
      [[0x80, 0x02, 0x69], /byte 2: opcode INST is not one torch.save writes/],
      [[0x80, 0x02, 0x68, 5], /memo entry 5 is read before it is written/],
      [[0x80, 0x02, 0x52], /stack underflow/],
      [[0x80, 0x02, 0x58, 0xff, 0xff, 0xff, 0x7f], /truncated \(needs 2147483647 more bytes/],
      [[0x80, 0x02, 0x8b, 0, 0, 0, 1], /wider than anything a state_dict holds/],
      [[0x80, 0x02, 0x28, 0x4e, 0x2e], /STOP with values or MARKs left/],
      [[0x80, 0x02, 0x4e, 0x29, 0x52], /REDUCE on None, which is not an allowed callable/],
      [[0x80, 0x02, 0x4e], /truncated/],
      [[0x80, 0x02, 0x31], /no MARK on the stack/],
    ];
    for (const [bytes, message] of cases) {
      const e = (() => { try { unpickle(Uint8Array.from(bytes), "p", hooks); } catch (error) { return error as Error; } return undefined; })();
      expect(e, message.source).toBeInstanceOf(FormatError);
      expect(e!.message).toMatch(message);
    }
    expect(unpickle(Uint8Array.from([0x80, 0x02, 0x7d, 0x58, 1, 0, 0, 0, 0x61, 0x4a, 0xff, 0xff, 0xff, 0xff, 0x73, 0x2e]), "p", hooks)).toBeInstanceOf(PyDict);
  });

  it("turns every mutation of a real checkpoint into a FormatError or a result, never a crash", async () => {
    const bytes = await readFile(at("encoder.pt"));
    let s = 12345;
    const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
    let refused = 0;
    for (let trial = 0; trial < 300; trial++) {
      const mutated = Uint8Array.from(bytes);
      for (let k = 0; k < 1 + (next() % 8); k++) mutated[next() % mutated.length] = next() & 0xff;
      try {
        decodeTorch(mutated);
      } catch (e) {
        if (!(e instanceof FormatError)) throw new Error(`trial ${trial}: ${(e as Error).name}: ${(e as Error).message}`);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
  });
});
