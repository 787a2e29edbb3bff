import { it } from "vitest";
import { join } from "node:path";
import { readOnnx } from "../../formats/onnx.js";
import { readNpz } from "../../formats/npz.js";
import { compareOutputs } from "../compare.js";
import { runOrt, createOrtSession } from "../ort.js";
import { compile } from "./compile.js";
import { tf } from "./tf.js";
const L = join(import.meta.dirname, "../../../test/fixtures/large");
it("bench", async () => {
  for (const name of (process.env.MODELS ?? "resnet18,mobilenet_v2").split(",")) {
    const graph = await readOnnx(join(L, `${name}.onnx`));
    const c = await compile(graph);
    for (const b of [1, 8]) {
      const inputs = Object.fromEntries(await readNpz(join(L, `${name}.inputs.b${b}.npz`)));
      const ref = Object.fromEntries(await readNpz(join(L, `${name}.outputs.b${b}.npz`)));
      const out = await c.run(inputs);
      const d = compareOutputs(out, ref);
      const feeds = Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, tf.tensor(t.data as Float32Array, [...t.dims])]));
      const time = async (f: () => Promise<unknown>, n: number) => { await f(); const ts: number[] = []; for (let i = 0; i < n; i++) { const t0 = performance.now(); await f(); ts.push(performance.now() - t0); } ts.sort((a, b) => a - b); return ts[Math.floor(n / 2)]!; };
      const tfjsMs = await time(async () => { const o = tf.tidy(() => c.forward(feeds)); await Object.values(o)[0]!.data(); tf.dispose(Object.values(o)); }, 5);
      const s = await createOrtSession(graph);
      const ortMs = await time(() => s.run(inputs), 5);
      console.log(`${name} b${b}: maxRel ${d.map((x) => x.maxRel.toExponential(2)).join(",")} tfjs ${tfjsMs.toFixed(1)} ms, ort ${ortMs.toFixed(1)} ms, ratio ${(tfjsMs / ortMs).toFixed(2)}`);
      tf.dispose(Object.values(feeds));
    }
    c.dispose();
  }
});
