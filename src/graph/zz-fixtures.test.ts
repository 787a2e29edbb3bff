import { it } from "vitest";
import { readFileSync } from "node:fs";
import { decodeModel } from "../formats/onnx.js";
import { inferShapesWithReport, summarize } from "./index.js";
it("scan", () => {
  for (const f of ["gru", "lstm", "mlp", "mobile_block", "residual_cnn", "shuffle_block", "transformer", "vit", "../large/resnet18", "../large/mobilenet_v2"]) {
    const g = decodeModel(readFileSync(`test/fixtures/models/${f}.onnx`));
    const bare = { ...g, outputs: g.outputs.map((o) => ({ name: o.name, dtype: o.dtype })), valueInfo: new Map() };
    const r = inferShapesWithReport(bare);
    const nullVals = [...r.graph.valueInfo.values()].filter((v) => !v.shape || v.shape.some((d) => d === null)).map((v) => v.name);
    const s = summarize(g);
    console.log(f, "opset", s.opset, "in", JSON.stringify(g.inputs.map((i) => i.shape)), "declared", JSON.stringify(g.outputs.map((o) => o.shape)), "inferred", JSON.stringify(r.graph.outputs.map((o) => o.shape)),
      "unknown", JSON.stringify(r.unknownOps), "problems", r.problems.length, "nullvals", nullVals.length, nullVals.slice(0, 5).join(","), "params", s.params, "macs", s.macs, "macsUnknown", s.macsUnknown.length, JSON.stringify(s.opHistogram));
  }
});
