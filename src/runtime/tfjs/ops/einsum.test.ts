// Einsum beyond ONNX's five node tests: attention-style contractions, a
// broadcast ellipsis, an implicit output and a trace, against onnxruntime.
import { describe, it } from "vitest";
import { expectMatchesOrt } from "../../../../test/helpers/expect-matches-ort.js";
import { GraphBuilder } from "../../../graph/builder.js";
import { float32 } from "../../../graph/tensor.js";
import type { Tensor } from "../../../graph/types.js";
import { seededRandom } from "../../../core/random.js";

function random(dims: number[], seed: number): Tensor<"float32"> {
  const next = seededRandom(seed);
  return float32(dims, Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => next() * 2 - 1));
}

const CASES: { equation: string; shapes: number[][] }[] = [
  { equation: "bhqd,bhkd->bhqk", shapes: [[2, 3, 4, 5], [2, 3, 6, 5]] },
  { equation: "bhqk,bhkd->bqhd", shapes: [[2, 3, 4, 6], [2, 3, 6, 5]] },
  { equation: "...ij,...jk->...ik", shapes: [[1, 3, 4], [2, 4, 5]] },
  { equation: "ij,jk", shapes: [[3, 4], [4, 5]] },
  { equation: "bii->b", shapes: [[2, 4, 4]] },
  { equation: "i,j->ij", shapes: [[3], [4]] },
  { equation: "bij->jb", shapes: [[2, 3, 4]] },
];

describe("Einsum matches onnxruntime", () => {
  for (const { equation, shapes } of CASES) {
    it(equation, async () => {
      const b = new GraphBuilder({ name: "einsum", opset: 13 });
      const names = shapes.map((s, i) => b.input(`x${i}`, "float32", s));
      const [y] = b.node("Einsum", names, { equation });
      b.output(y!, "y");
      await expectMatchesOrt(b.build(), Object.fromEntries(shapes.map((s, i) => [`x${i}`, random(s, i + 1)])));
    });
  }
});
