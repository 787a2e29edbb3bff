// Random whole-pixel shifts of 28×28 images (Hinton et al.'s ±2 px jitter),
// applied in plain JS to the batch before it becomes a tensor. Samples are
// [784] or [1, 28, 28]; vacated pixels are zero (MNIST's background).
import { ShapeError } from "../core/errors.js";
import type { Tensor } from "../graph/types.js";

const SIDE = 28;

/** Returns a shifted copy of a [N, 784] or [N, 1, 28, 28] batch; `random` gives numbers in [0, 1). */
export function shiftImages(x: Tensor<"float32">, shift: number, random: () => number): Tensor<"float32"> {
  const perSample = x.dims.slice(1).reduce((a, b) => a * b, 1);
  const imageLike = perSample === SIDE * SIDE && (x.dims.length === 2 || (x.dims.length === 4 && x.dims[1] === 1));
  if (!imageLike) {
    throw new ShapeError(
      `augment.shift works on 28×28 single-channel images ([N, 784] or [N, 1, 28, 28]), got a batch of shape [${x.dims.join(", ")}]. Remove augment or reshape the data.`,
      { details: { expected: "[N, 784] | [N, 1, 28, 28]", got: x.dims } },
    );
  }
  const n = x.dims[0]!;
  const out = new Float32Array(x.data.length);
  for (let s = 0; s < n; s++) {
    const dx = Math.floor(random() * (2 * shift + 1)) - shift;
    const dy = Math.floor(random() * (2 * shift + 1)) - shift;
    const base = s * perSample;
    for (let row = 0; row < SIDE; row++) {
      const from = row - dy;
      if (from < 0 || from >= SIDE) continue;
      const c0 = Math.max(0, dx);
      const c1 = Math.min(SIDE, SIDE + dx);
      out.set(x.data.subarray(base + from * SIDE + c0 - dx, base + from * SIDE + c1 - dx), base + row * SIDE + c0);
    }
  }
  return { dtype: "float32", dims: x.dims, data: out };
}
