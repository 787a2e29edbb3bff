import { it } from "vitest";
import { tf } from "./tf.js";
import { compile } from "./compile.js";
import { GraphBuilder } from "../../graph/builder.js";
import { randomTensor } from "./test-graphs.js";
const r = (dims: number[], seed: number, lo = -0.5, hi = 0.5) => randomTensor(dims, seed, lo, hi);
it("scratch", async () => {
  const b = new GraphBuilder({ name: "cbrg", opset: 13 });
  const x0 = b.input("x", "float32", ["N", 2, 5, 5]);
  const conv = b.node("Conv", [x0, b.initializer("conv.w", r([3, 2, 3, 3], 11))], { strides: [2, 2] })[0]!;
  const bn = b.node("BatchNormalization", [conv, b.initializer("s", r([3], 13, 0.5, 1.5)), b.initializer("bb", r([3], 14)), b.initializer("m", r([3], 15)), b.initializer("v", r([3], 16, 0.5, 2))])[0]!;
  b.output(bn, "y");
  const c = await compile(b.build(), { backend: "cpu" });
  const x = tf.tensor(randomTensor([3, 2, 5, 5], 300).data, [3, 2, 5, 5]);
  const k = tf.tensor(randomTensor([3, 3, 2, 2], 301).data, [3, 3, 2, 2]);
  const v = c.variables.get("conv.w")!;
  const orig = v.dataSync().slice();
  const loss = () => tf.tidy(() => tf.sum(tf.mul(c.forward({ x }, { training: true }).y!, k)).dataSync()[0]!);
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(c.forward({ x }, { training: true }).y!, k)) as tf.Scalar, [v]);
  console.log("analytic", Object.values(grads)[0]!.dataSync()[0]);
  for (const e of [-0.03, -0.01, -0.003, -0.001, 0, 0.001, 0.003, 0.01, 0.03]) {
    const p = orig.slice(); p[0]! += e; v.assign(tf.tensor(p, v.shape));
    console.log(e, loss());
  }
  // conv output per channel
  v.assign(tf.tensor(orig, v.shape));
  console.log(c.forward({ x }, { outputs: [conv] })[conv]!.arraySync());
});
