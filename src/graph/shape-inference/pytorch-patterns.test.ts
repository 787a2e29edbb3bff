// Shape arithmetic the way torch.onnx.export writes it: dims read with Shape,
// picked with Gather, rebuilt with Unsqueeze/Concat and fed to Reshape.
import { describe, expect, it } from "vitest";
import { GraphBuilder } from "../builder.js";
import { float32, int64 } from "../tensor.js";
import { inferShapesWithReport } from "./index.js";

const scalar = (v: number) => int64([], [v]);

describe("PyTorch export patterns", () => {
  it("x.view(x.size(0), -1): Shape → Gather → Unsqueeze → Concat → Reshape keeps the symbolic batch", () => {
    const b = new GraphBuilder({ name: "flatten-view", opset: 13 });
    const x = b.input("x", "float32", ["batch", 16, 5, 5]);
    const [shape] = b.node("Shape", [x]);
    const [n] = b.node("Gather", [shape, b.constant(scalar(0))], { axis: 0 });
    const [n1] = b.node("Unsqueeze", [n, b.constant(int64([1], [0]))]);
    const [target] = b.node("Concat", [n1, b.constant(int64([1], [-1]))], { axis: 0 });
    const [y] = b.node("Reshape", [x, target]);
    b.output(y, "y");
    const report = inferShapesWithReport(b.build());
    expect(report.graph.outputs[0]).toMatchObject({ name: "y", dtype: "float32", shape: ["batch", 400] });
    expect(report.facts.get(target)?.value).toEqual(["batch", -1]);
  });

  it("multi-head attention reshape: (B, T, C) → (B, T, heads, C/heads) → transpose → matmul", () => {
    const b = new GraphBuilder({ name: "attention", opset: 14 });
    const x = b.input("x", "float32", ["B", "T", 64]);
    const [shape] = b.node("Shape", [x]);
    const [batch] = b.node("Gather", [shape, b.constant(scalar(0))], { axis: 0 });
    const [time] = b.node("Gather", [shape, b.constant(scalar(1))], { axis: 0 });
    // head_dim = C // heads computed from the shape too, as the exporter does.
    const [channels] = b.node("Gather", [shape, b.constant(scalar(2))], { axis: 0 });
    const [headDim] = b.node("Div", [channels, b.constant(scalar(4))]);
    const parts = [batch, time, b.constant(scalar(4)), headDim].map((v) => b.node("Unsqueeze", [v, b.constant(int64([1], [0]))])[0]);
    const [target] = b.node("Concat", parts, { axis: 0 });
    const [q] = b.node("Reshape", [x, target]);
    const [qt] = b.node("Transpose", [q], { perm: [0, 2, 1, 3] });
    const [kt] = b.node("Transpose", [q], { perm: [0, 2, 3, 1] });
    const [scores] = b.node("MatMul", [qt, kt]);
    const [scaled] = b.node("Div", [scores, b.constant(float32([], [4]))]);
    const [probs] = b.node("Softmax", [scaled], { axis: -1 });
    const [ctx] = b.node("MatMul", [probs, qt]);
    const [back] = b.node("Transpose", [ctx], { perm: [0, 2, 1, 3] });
    const [merged] = b.node("Reshape", [back, b.constant(int64([3], [0, 0, -1]))]);
    b.output(scores, "scores");
    b.output(merged, "out");
    const g = b.build();
    expect(g.valueInfo.get(q)?.shape).toEqual(["B", "T", 4, 16]);
    expect(g.outputs.map((o) => o.shape)).toEqual([["B", 4, "T", "T"], ["B", "T", 64]]);
  });

  it("PyTorch's dynamic reshape guard: Where(Equal(shape, 0), dims, shape) folds", () => {
    const b = new GraphBuilder({ name: "where-guard", opset: 17 });
    const x = b.input("x", "float32", ["N", 3, 4]);
    const target = b.constant(int64([2], [0, -1]));
    const [isZero] = b.node("Equal", [target, b.constant(scalar(0))]);
    const [shape] = b.node("Shape", [x]);
    const [firstTwo] = b.node("Slice", [shape, b.constant(int64([1], [0])), b.constant(int64([1], [2]))]);
    const [resolved] = b.node("Where", [isZero, firstTwo, target]);
    const [y] = b.node("Reshape", [x, resolved]);
    b.output(y);
    expect(b.build().outputs[0].shape).toEqual(["N", 12]);
  });

  it("flatten through ConstantOfShape/Expand: class token broadcast over the batch (ViT)", () => {
    const b = new GraphBuilder({ name: "vit-cls", opset: 17 });
    const x = b.input("x", "float32", ["N", 16, 32]);
    const cls = b.initializer("cls_token", float32([1, 1, 32], new Array(32).fill(0.1)));
    const [shape] = b.node("Shape", [x]);
    const [n] = b.node("Gather", [shape, b.constant(int64([1], [0]))], { axis: 0 });
    const [target] = b.node("Concat", [n, b.constant(int64([2], [-1, -1]))], { axis: 0 });
    // Expand treats -1 like 1 in PyTorch's export only after a Where; use ones as the exporter does here.
    const [ones] = b.node("ConstantOfShape", [b.constant(int64([1], [3]))], { value: int64([1], [1]) });
    const [mask] = b.node("Equal", [target, b.constant(int64([3], [-1, -1, -1]))]);
    const [dims] = b.node("Where", [mask, ones, target]);
    const [tokens] = b.node("Expand", [cls, dims]);
    const [seq] = b.node("Concat", [tokens, x], { axis: 1 });
    b.output(seq);
    expect(b.build().outputs[0].shape).toEqual(["N", 17, 32]);
  });

  it("heads folded into the batch: (T, B, C) → (T, B*heads, C/heads) and back (nn.MultiheadAttention)", () => {
    const b = new GraphBuilder({ name: "mha", opset: 17 });
    const x = b.input("x", "float32", [12, "batch", 32]);
    const [shape] = b.node("Shape", [x]);
    const pick = (i: number) => b.node("Gather", [shape, b.constant(scalar(i))], { axis: 0 })[0];
    const [heads] = b.node("Mul", [pick(1), b.constant(scalar(4))]);
    const [headDim] = b.node("Div", [pick(2), b.constant(scalar(4))]);
    const dims = [pick(0), heads, headDim].map((v) => b.node("Unsqueeze", [v, b.constant(int64([1], [0]))])[0]);
    const [target] = b.node("Concat", dims, { axis: 0 });
    const [split] = b.node("Reshape", [x, target]);
    const [merged] = b.node("Reshape", [split, b.node("Shape", [x])[0]]);
    b.output(split, "split");
    b.output(merged, "merged");
    expect(b.build().outputs.map((o) => o.shape)).toEqual([[12, "4*batch", 8], [12, "batch", 32]]);
  });

  it("F.pad's pads: ConstantOfShape → Concat → Reshape(-1, 2) → Slice(step -1) → Transpose → Reshape(-1) fold", () => {
    const b = new GraphBuilder({ name: "fpad", opset: 17 });
    const x = b.input("x", "float32", ["N", 3, 8, 8]);
    const given = b.constant(int64([4], [1, 2, 3, 4])); // (left, right, top, bottom) as F.pad takes them
    const [zeros] = b.node("ConstantOfShape", [b.constant(int64([1], [4]))], { value: int64([1], [0]) });
    const [all] = b.node("Concat", [given, zeros], { axis: 0 });
    const [pairs] = b.node("Reshape", [all, b.constant(int64([2], [-1, 2]))]);
    const [reversed] = b.node("Slice", [pairs, b.constant(int64([1], [-1])), b.constant(int64([1], [-(2 ** 62)])), b.constant(int64([1], [0])), b.constant(int64([1], [-1]))]);
    const [transposed] = b.node("Transpose", [reversed], { perm: [1, 0] });
    const [flat] = b.node("Reshape", [transposed, b.constant(int64([1], [-1]))]);
    const [y] = b.node("Pad", [x, flat], { mode: "reflect" });
    b.output(y);
    const report = inferShapesWithReport(b.build());
    expect(report.facts.get(flat)?.value).toEqual([0, 0, 3, 1, 0, 0, 4, 2]);
    expect(report.graph.outputs[0].shape).toEqual(["N", 3, 15, 11]);
  });

  it("symbolic lengths through Range (position ids), reversed slices and ReduceProd flattening", () => {
    const b = new GraphBuilder({ name: "seq", opset: 13 });
    const x = b.input("x", "float32", ["N", "T", 8]);
    const [shape] = b.node("Shape", [x]);
    const [t] = b.node("Gather", [shape, b.constant(scalar(1))], { axis: 0 });
    const [positions] = b.node("Range", [b.constant(scalar(0)), t, b.constant(scalar(1))]);
    const [reversed] = b.node("Slice", [x, b.constant(int64([1], [-1])), b.constant(int64([1], [-(2 ** 62)])), b.constant(int64([1], [1])), b.constant(int64([1], [-1]))]);
    const [tail] = b.node("Slice", [shape, b.constant(int64([1], [1])), b.constant(int64([1], [3]))]);
    const [count] = b.node("ReduceProd", [tail], { keepdims: 1 });
    const [target] = b.node("Concat", [b.constant(int64([1], [-1])), count], { axis: 0 });
    const [flat] = b.node("Reshape", [x, target]);
    [positions, reversed, flat].forEach((v) => b.output(v));
    expect(b.build().outputs.map((o) => o.shape)).toEqual([["T"], ["N", "T", 8], ["N", "8*T"]]);
  });

  it("a shape from an unknown op stays unknown rather than guessed", () => {
    const b = new GraphBuilder({ name: "unknown-shape", opset: 17 });
    const x = b.input("x", "float32", ["N", 8]);
    const [s] = b.node("MysteryShape", [x], {}, { domain: "com.example" });
    const [y] = b.node("Reshape", [x, s]);
    b.output(y);
    const report = inferShapesWithReport(b.build());
    expect(report.graph.outputs[0].shape).toBeUndefined();
    expect(report.unknownOps.map((u) => u.op)).toEqual(["MysteryShape"]);
  });

  it("Mod folds with the divisor's sign (fmod=0) or the dividend's (fmod=1), as Swin's window padding needs", () => {
    const b = new GraphBuilder({ name: "mod-fold", opset: 13 });
    const a = b.constant(int64([4], [-7, 7, -7, 6]));
    const d = b.constant(int64([4], [3, -3, -3, 4]));
    const [floored] = b.node("Mod", [a, d]);
    const [truncated] = b.node("Mod", [a, d], { fmod: 1 });
    b.output(floored, "floored");
    b.output(truncated, "truncated");
    const report = inferShapesWithReport(b.build());
    expect(report.facts.get("floored")?.value).toEqual([2, -2, -1, 2]);
    expect(report.facts.get("truncated")?.value).toEqual([-1, 1, -1, 2]);
  });
});
