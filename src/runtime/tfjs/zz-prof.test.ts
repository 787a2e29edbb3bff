import { it } from "vitest";
import { join } from "node:path";
import { readOnnx } from "../../formats/onnx.js";
import { compile } from "./compile.js";
import { tf } from "./tf.js";
const L = join(import.meta.dirname, "../../../test/fixtures/large");
it("prof", async () => {
  for (const name of ["resnet18", "mobilenet_v2"]) {
    const graph = await readOnnx(join(L, `${name}.onnx`));
    const c = await compile(graph);
    const x = tf.randomNormal([8, 3, 224, 224]);
    await tf.tidy(() => c.forward({ [c.inputNames[0]!]: x }));
    const p = await tf.profile(() => tf.tidy(() => Object.values(c.forward({ [c.inputNames[0]!]: x }))[0]!));
    const byKernel = new Map<string, { n: number; ms: number }>();
    for (const k of p.kernels) { const e = byKernel.get(k.name) ?? { n: 0, ms: 0 }; e.n++; e.ms += k.kernelTimeMs as number; byKernel.set(k.name, e); }
    console.log(name, JSON.stringify([...byKernel].sort((a, b) => b[1].ms - a[1].ms).map(([k, v]) => `${k}:${v.n}:${v.ms.toFixed(0)}ms`)));
    const ops = new Map<string, number>(); for (const n of graph.nodes) ops.set(n.opType, (ops.get(n.opType) ?? 0) + 1);
    console.log(name, JSON.stringify([...ops]));
    x.dispose(); c.dispose();
  }
});
