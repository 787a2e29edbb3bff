// One-Conv graphs (optionally followed by Relu or Clip(0, 6)) with a symbolic
// batch, for the tests of our conv kernels against onnxruntime.
import { GraphBuilder } from "../../src/graph/builder.js";
import { float32 } from "../../src/graph/tensor.js";
import type { Graph } from "../../src/graph/types.js";
import { randomTensor } from "./tfjs-graphs.js";

export interface ConvCase {
  readonly name: string;
  readonly batch: number;
  readonly c: number;
  readonly k: number;
  readonly hw: [number, number];
  /** Default 3×3. */
  readonly kernel?: [number, number];
  readonly attrs?: Record<string, number[] | string | number>;
  readonly group?: number;
  readonly bias?: boolean;
  readonly then?: "Relu" | "Clip6";
}

export function convGraph(c: ConvCase): Graph {
  const b = new GraphBuilder({ name: c.name, opset: 13 });
  const x = b.input("x", "float32", ["N", c.c, ...c.hw]);
  const group = c.group ?? 1;
  const inputs = [x, b.initializer("w", randomTensor([c.k, c.c / group, ...(c.kernel ?? [3, 3])], 2, -0.5, 0.5))];
  if (c.bias) inputs.push(b.initializer("b", randomTensor([c.k], 3)));
  let y = b.node("Conv", inputs, { ...c.attrs, ...(c.group ? { group } : {}) })[0]!;
  if (c.then === "Relu") y = b.node("Relu", [y])[0]!;
  if (c.then === "Clip6") y = b.node("Clip", [y, b.initializer("lo", float32([], [0])), b.initializer("hi", float32([], [6]))])[0]!;
  b.output(y, "y");
  return b.build();
}

/** The input dims of a case, NCHW. */
export const inputDims = (c: ConvCase): number[] => [c.batch, c.c, ...c.hw];
