// safetensors round trips and every malformed header the spec rules out:
// each is a FormatError naming the problem, before any tensor is allocated.
import { describe, expect, it } from "vitest";
import { FormatError } from "../../core/errors.js";
import { makeTensor } from "../../graph/tensor.js";
import type { Tensor } from "../../graph/types.js";
import { expectSameTensor } from "../../../test/formats/helpers.js";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.js";

/** A file from a header object and a data buffer, as the spec lays it out. */
function file(header: unknown, data: Uint8Array = new Uint8Array(0), headerText?: string): Uint8Array {
  const json = new TextEncoder().encode(headerText ?? JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function expectFormatError(bytes: Uint8Array, ...fragments: (string | RegExp)[]): void {
  let error: unknown;
  try {
    decodeSafetensors(bytes, { file: "w.safetensors" });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(FormatError);
  expect((error as Error).message).toContain("w.safetensors");
  for (const f of fragments) expect((error as Error).message).toMatch(f);
}

const ALL: [string, Tensor][] = [
  ["f32", makeTensor("float32", [2, 3], Float32Array.from([1, -2, 3.5, 0, Infinity, NaN]))],
  ["f64", makeTensor("float64", [2], Float64Array.from([1e300, -1e-300]))],
  ["f16", makeTensor("float16", [3], Uint16Array.from([0x3c00, 0xc000, 0x7e00]))],
  ["bf16", makeTensor("bfloat16", [1, 2], Uint16Array.from([0x3f80, 0x4000]))],
  ["i64", makeTensor("int64", [2], BigInt64Array.from([-(2n ** 62n), 7n]))],
  ["i32", makeTensor("int32", [2], Int32Array.from([-1, 2 ** 31 - 1]))],
  ["i8", makeTensor("int8", [3], Int8Array.from([-128, 0, 127]))],
  ["u8", makeTensor("uint8", [2], Uint8Array.from([0, 255]))],
  ["bool", makeTensor("bool", [3], Uint8Array.from([1, 0, 1]))],
  ["empty", makeTensor("float32", [0, 4], new Float32Array(0))],
  ["scalar", makeTensor("float32", [], Float32Array.from([42]))],
];

describe("safetensors", () => {
  it("round-trips every dtype, scalars, empty tensors and metadata", () => {
    const bytes = encodeSafetensors(new Map(ALL), { format: "pt" });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({ format: "pt" });
    expect([...tensors.keys()].sort()).toEqual(ALL.map(([n]) => n).sort());
    for (const [name, t] of ALL) expectSameTensor(tensors.get(name)!, t, name);
  });

  it("reads a file laid out by hand per the spec (spaces after the JSON, offsets out of name order)", () => {
    const data = new Uint8Array(12);
    new Float32Array(data.buffer, 0, 2).set([1.5, -2]);
    new Int32Array(data.buffer, 8, 1).set([9]);
    const header = JSON.stringify({ b: { dtype: "I32", shape: [1], data_offsets: [8, 12] }, a: { dtype: "F32", shape: [2], data_offsets: [0, 8] } }) + "   ";
    const { tensors } = decodeSafetensors(file(undefined, data, header));
    expect(Array.from(tensors.get("a")!.data as Float32Array)).toEqual([1.5, -2]);
    expect(Array.from(tensors.get("b")!.data as Int32Array)).toEqual([9]);
  });

  const two = new Uint8Array(16);
  it("refuses offsets that overrun the buffer (a truncated file)", () => {
    expectFormatError(file({ w: { dtype: "F32", shape: [4], data_offsets: [0, 16] } }, two.subarray(0, 12)), /run past the 12-byte data buffer/);
  });
  it("refuses overlapping tensors", () => {
    expectFormatError(
      file({ a: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, b: { dtype: "F32", shape: [2], data_offsets: [4, 12] }, c: { dtype: "F32", shape: [1], data_offsets: [12, 16] } }, two),
      /"a" and "b" overlap/,
    );
  });
  it("refuses holes between and after tensors", () => {
    expectFormatError(file({ a: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }, two), /bytes 0–4 .* no tensor/, /last 8 bytes/);
  });
  it("refuses dtype × shape that disagrees with the offsets, and lists every problem", () => {
    expectFormatError(
      file({ a: { dtype: "F32", shape: [3], data_offsets: [0, 8] }, b: { dtype: "Q4", shape: [1], data_offsets: [8, 12] }, c: { dtype: "F8_E4M3", shape: [1], data_offsets: [12, 13] } }, two),
      /3 problems/, /F32 × \[3\] is 12 bytes, but data_offsets \[0, 8\] span 8/, /dtype must be one of .*"Q4"/, /F8_E4M3 \(8-bit float\) is not supported/,
    );
  });
  it("refuses duplicate names, which JSON.parse would silently merge", () => {
    const header = `{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`;
    expectFormatError(file(undefined, two.subarray(0, 8), header), /duplicate names in the header: "a"/);
  });
  it("refuses bad shapes, offsets and metadata", () => {
    expectFormatError(
      file({ __metadata__: { n: 3 }, a: { dtype: "F32", shape: [-1], data_offsets: [0, 4] }, b: { dtype: "F32", shape: [1], data_offsets: [8] }, c: { dtype: "F32", shape: [1], data_offsets: [2 ** 60, 2 ** 60 + 4] } }, two),
      /__metadata__" must map strings to strings/, /"a": shape must be a list of non-negative integers/, /"b": data_offsets must be \[begin, end\]/, /"c": data_offsets must be/,
    );
  });
  it("refuses a header length beyond the file or the 100 MB limit, and bad header text", () => {
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 40n, true);
    expectFormatError(huge, /over the 100000000-byte limit/);
    const short = file({});
    new DataView(short.buffer).setBigUint64(0, 1000n, true);
    expectFormatError(short, /runs past the end/);
    expectFormatError(new Uint8Array(5), /too short/);
    expectFormatError(file(undefined, undefined, "[1, 2]"), /must be a JSON object/);
    expectFormatError(file(undefined, undefined, "{nope"), /not valid JSON/);
    expectFormatError(file(undefined, undefined, "{\"a\": 1}"), /"a": header entry is not an object/);
    const badUtf8 = file(undefined, undefined, "{\"x\": 1}");
    badUtf8[10] = 0xff;
    expectFormatError(badUtf8, /not valid UTF-8/);
  });
  it("refuses to write dtypes safetensors has no code for", () => {
    expect(() => encodeSafetensors(new Map([["s", makeTensor("string", [1], ["x"])]]))).toThrow(/dtype string has no safetensors code/);
  });
});
