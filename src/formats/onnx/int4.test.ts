// int4/uint4 tensors: packed two to a byte in files, one value per element in
// memory; a round trip keeps every value and onnxruntime reads what we write.
import { describe, expect, it } from "vitest";
import { GraphBuilder } from "../../graph/builder.js";
import { float32, makeTensor } from "../../graph/tensor.js";
import { runOrt } from "../../runtime/ort.js";
import { decodeModel, encodeModel } from "./index.js";
import { packNibbles, tensorFromProto, tensorToProto, unpackNibbles } from "./tensor.js";
import { summarize } from "../../graph/counts.js";

describe("4-bit tensors", () => {
  it("packs element 2k in the low nibble and sign-extends int4", () => {
    expect([...packNibbles([1, -1, 7, -8, 3])]).toEqual([0xf1, 0x87, 0x03]);
    expect([...unpackNibbles([0xf1, 0x87, 0x03], 5, true)]).toEqual([1, -1, 7, -8, 3]);
    expect([...unpackNibbles([0xf1, 0x87, 0x03], 5, false)]).toEqual([1, 15, 7, 8, 3]);
  });

  it("round-trips int4 and uint4 through TensorProto with odd element counts", () => {
    const int4 = makeTensor("int4", [3, 3], Int8Array.from([-8, -7, -1, 0, 1, 2, 5, 6, 7]));
    const uint4 = makeTensor("uint4", [5], Uint8Array.from([0, 15, 8, 3, 9]));
    for (const t of [int4, uint4]) {
      const proto = tensorToProto("w", t) as { raw_data: Uint8Array; data_type: number };
      expect(proto.raw_data.length).toBe(Math.ceil(t.data.length / 2));
      const back = tensorFromProto({ ...proto, dims: [...t.dims] } as never, { where: "test" });
      expect(back.dtype).toBe(t.dtype);
      expect([...back.data]).toEqual([...t.data]);
    }
  });

  it("refuses raw_data of the wrong packed length", () => {
    const proto = { dims: [4], data_type: 22, raw_data: new Uint8Array(3) };
    expect(() => tensorFromProto(proto as never, { where: 'initializer "w"' })).toThrow(/need 2 bytes but raw_data has 3/);
  });

  it("counts a 4-bit weight as half a byte per value", () => {
    const b = new GraphBuilder({ name: "g", opset: 21 });
    const x = b.input("x", "float32", ["N", 4]);
    const w = b.initializer("w", makeTensor("int4", [4, 2], Int8Array.from([1, 2, 3, 4, -1, -2, -3, -4])));
    const s = b.initializer("s", float32([], [0.5]));
    const [wf] = b.node("DequantizeLinear", [w, s]);
    b.output(b.node("MatMul", [x, wf!])[0]!, "y");
    expect(summarize(b.build()).bytes).toBe(4 + 4);
  });

  it("onnxruntime runs a DequantizeLinear of a blocked int4 weight we wrote (opset 21)", async () => {
    const b = new GraphBuilder({ name: "dq4", opset: 21 });
    const x = b.input("x", "float32", ["N", 4]);
    const values = Int8Array.from([-8, 7, 1, -1, 2, -2, 3, -3]);
    const w = b.initializer("w", makeTensor("int4", [4, 2], values));
    const s = b.initializer("s", float32([2, 2], [0.5, 1, 0.25, 2]));
    const [wf] = b.node("DequantizeLinear", [w, s], { axis: 0, block_size: 2 });
    b.output(b.node("MatMul", [x, wf!])[0]!, "y");
    const graph = { ...b.build(), meta: { ...b.build().meta, irVersion: 10 } };
    const reread = decodeModel(encodeModel(graph));
    expect([...reread.initializers.get("w")!.data]).toEqual([...values]);
    const { y } = await runOrt(reread, { x: float32([1, 4], [1, 10, 100, 1000]) });
    // Row k of w uses block k >> 1: scale rows [0.5, 1] for k < 2, [0.25, 2] after.
    const expected = [1 * -8 * 0.5 + 10 * 1 * 0.5 + 100 * 2 * 0.25 + 1000 * 3 * 0.25, 1 * 7 * 1 + 10 * -1 * 1 + 100 * -2 * 2 + 1000 * -3 * 2];
    expect([...y!.data]).toEqual(expected);
  });
});
