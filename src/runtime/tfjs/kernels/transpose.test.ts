// The channels transpose kernel against tf.transpose, both directions, ranks 3
// to 5, float32 and int32; it steps aside under a gradient tape; and a
// compiled conv graph's boundary transposes take it.
import { beforeAll, describe, expect, it } from "vitest";
import { expectMatchesOrt } from "../../../../test/helpers/expect-matches-ort.js";
import { randomTensor } from "../../../../test/helpers/tfjs-graphs.js";
import { GraphBuilder } from "../../../graph/builder.js";
import { initBackend } from "../backends.js";
import { compile } from "../compile.js";
import { channelsLastPerm, onnxPerm } from "../layout.js";
import { tf } from "../tf.js";
import { TRANSPOSE_KERNEL_NAME, transposeChannels } from "./transpose.js";

beforeAll(async () => {
  await initBackend("wasm");
});

describe("channels transpose kernel", () => {
  for (const shape of [[2, 3, 5], [2, 3, 70, 9], [1, 4, 2, 3, 5], [3, 1, 1, 1], [2, 40, 3, 5], [2, 16, 4, 4]]) {
    for (const dtype of ["float32", "int32"] as const) {
      it(`${shape.join("×")} ${dtype}: both directions equal tf.transpose`, () => {
        const x = tf.tidy(() => tf.cast(tf.mul(tf.tensor(randomTensor(shape, 1).data, shape), 1000), dtype));
        const last = transposeChannels(x, true)!;
        expect(last.dtype).toBe(dtype);
        expect(Array.from(last.dataSync())).toEqual(Array.from(tf.transpose(x, channelsLastPerm(x.rank)).dataSync()));
        const back = transposeChannels(last, false)!;
        expect(back.shape).toEqual(shape);
        expect(Array.from(back.dataSync())).toEqual(Array.from(x.dataSync()));
        expect(Array.from(back.dataSync())).toEqual(Array.from(tf.transpose(last, onnxPerm(x.rank)).dataSync()));
        tf.dispose([x, last, back]);
      });
    }
  }

  it("steps aside for rank 2, bool, no elements, both sides above 16, and under a gradient tape", () => {
    expect(transposeChannels(tf.zeros([2, 3]), true)).toBeUndefined();
    expect(transposeChannels(tf.zeros([1, 17, 5, 4]), true)).toBeUndefined();
    expect(transposeChannels(tf.zeros([2, 3, 4], "bool"), true)).toBeUndefined();
    expect(transposeChannels(tf.zeros([0, 3, 4]), true)).toBeUndefined();
    let taped: tf.Tensor | undefined;
    tf.grad((t: tf.Tensor) => {
      taped = transposeChannels(t, true);
      return tf.sum(t);
    })(tf.ones([2, 3, 4]));
    expect(taped).toBeUndefined();
  });

  it("runs at a compiled graph's layout boundaries and matches onnxruntime", async () => {
    const b = new GraphBuilder({ name: "conv_flatten", opset: 13 });
    const x = b.input("x", "float32", [2, 3, 6, 5]);
    const y = b.node("Conv", [x, b.initializer("w", randomTensor([4, 3, 3, 3], 2))], { pads: [1, 1, 1, 1] })[0]!;
    b.output(b.node("Flatten", [y])[0]!, "z");
    const graph = b.build();
    const compiled = await compile(graph);
    const feed = tf.tensor(randomTensor([2, 3, 6, 5], 3).data, [2, 3, 6, 5]);
    const profile = await tf.profile(() => tf.tidy(() => Object.values(compiled.forward({ x: feed }))));
    const names = profile.kernels.map((k) => k.name);
    expect(names.filter((k) => k === TRANSPOSE_KERNEL_NAME)).toHaveLength(2);
    expect(names).not.toContain("Transpose");
    feed.dispose();
    compiled.dispose();
    await expectMatchesOrt(graph, { x: randomTensor([2, 3, 6, 5], 3) });
  });
});
