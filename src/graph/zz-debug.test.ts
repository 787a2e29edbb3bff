import { it } from "vitest";
import { readFileSync } from "node:fs";
import { decodeModel } from "../formats/onnx.js";
import { inferShapesWithReport } from "./index.js";
import { toNumbers } from "./tensor.js";
it("debug", () => {
  for (const f of [process.env.FIX ?? "transformer"]) {
    const g = decodeModel(readFileSync(`test/fixtures/models/${f}.onnx`));
    const r = inferShapesWithReport(g);
    let n = 0;
    for (const node of g.nodes) {
      if (n++ > Number(process.env.LIMIT ?? 60)) break;
      const attrs = Object.entries(node.attributes).map(([k, a]) => `${k}=${a.type === "tensor" ? JSON.stringify(toNumbers(a.value).slice(0, 8)) : JSON.stringify(a.value)}`).join(" ");
      console.log(node.name, node.opType, attrs, "|", node.inputs.map((i) => `${i}:${JSON.stringify(r.facts.get(i)?.shape)}=${JSON.stringify(r.facts.get(i)?.value?.slice(0, 6))}`).join(" "), "->", node.outputs.map((o) => `${JSON.stringify(r.facts.get(o)?.shape)}=${JSON.stringify(r.facts.get(o)?.value?.slice(0, 6))}`).join(" "));
    }
  }
});
