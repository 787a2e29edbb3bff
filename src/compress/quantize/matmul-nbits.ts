// onnxruntime's com.microsoft MatMulNBits: Y = A · dequant(B)ᵀ with B stored as
// 4-bit blocks along K, row n of B being output column n. Layout (onnxruntime
// contrib op docs): B uint8 [N, ⌈K/block⌉, block/2], two values a byte, low
// nibble first; scales [N·⌈K/block⌉]; zero points 4-bit packed the same way
// [N·⌈⌈K/block⌉/2⌉] (absent: 8, the middle of 0…15); optional bias [N] at input 5.
import type { GraphEdit, NewNode } from "../../graph/edit.js";
import { GraphBuilder } from "../../graph/builder.js";
import { float32, makeTensor } from "../../graph/tensor.js";
import type { Graph } from "../../graph/types.js";
import { quantType } from "./grid.js";
import { quantizeTensor, type QuantizedTensor } from "./quantize-tensor.js";

export const MATMUL_NBITS_DOMAIN = "com.microsoft";

/** Block sizes MatMulNBits takes: powers of two from 16. */
export function nbitsBlockOk(blockSize: number): boolean {
  return blockSize >= 16 && (blockSize & (blockSize - 1)) === 0;
}

export interface NBitsWeight {
  readonly quantized: QuantizedTensor;
  /** [N, K] weight as MatMulNBits reads it (row n = output n). */
  readonly n: number;
  readonly k: number;
  readonly blockSize: number;
  readonly symmetric: boolean;
}

/** Quantizes a [N, K] weight (rows are outputs) to 4-bit blocks along K. */
export function quantizeNBits(weightNK: Float32Array, n: number, k: number, blockSize: number, symmetric: boolean): NBitsWeight {
  // Symmetric: int4 [-7, 7] stored +8 as 1…15 (zero point 8, MatMulNBits' default); asymmetric: uint4 with zero points.
  const type = symmetric ? quantType(4, true, true) : quantType(4, false);
  const quantized = quantizeTensor(weightNK, [n, k], type, { kind: "block", axis: 1, blockSize }, symmetric);
  return { quantized, n, k, blockSize, symmetric };
}

function packedBlocks(w: NBitsWeight): Uint8Array {
  const { n, k, blockSize, quantized, symmetric } = w;
  const blocks = Math.ceil(k / blockSize);
  const out = new Uint8Array(n * blocks * (blockSize / 2));
  for (let row = 0; row < n; row++) {
    for (let b = 0; b < blocks; b++) {
      const pad = symmetric ? 8 : quantized.zeroPoint[row * blocks + b]!;
      for (let j = 0; j < blockSize; j++) {
        const col = b * blockSize + j;
        const v = col < k ? quantized.values[row * k + col]! + (symmetric ? 8 : 0) : pad;
        const at = (row * blocks + b) * (blockSize / 2) + (j >> 1);
        out[at]! |= (v & 0xf) << ((j & 1) * 4);
      }
    }
  }
  return out;
}

function packedZeroPoints(w: NBitsWeight): Uint8Array {
  const blocks = Math.ceil(w.k / w.blockSize);
  const perRow = Math.ceil(blocks / 2);
  const out = new Uint8Array(w.n * perRow);
  for (let row = 0; row < w.n; row++) {
    for (let b = 0; b < blocks; b++) out[row * perRow + (b >> 1)]! |= (w.quantized.zeroPoint[row * blocks + b]! & 0xf) << ((b & 1) * 4);
  }
  return out;
}

/** The initializers one quantized weight needs; MatMulNBits nodes sharing the weight share them. */
export interface NBitsInitializers {
  readonly b: string;
  readonly scales: string;
  /** "" when symmetric (MatMulNBits' default zero point 8). */
  readonly zeroPoints: string;
}

export function addNBitsInitializers(edit: GraphEdit, base: string, w: NBitsWeight): NBitsInitializers {
  const blocks = Math.ceil(w.k / w.blockSize);
  return {
    b: edit.addInitializer(`${base}_nbits`, makeTensor("uint8", [w.n, blocks, w.blockSize / 2], packedBlocks(w))),
    scales: edit.addInitializer(`${base}_nbits_scales`, makeTensor("float32", [w.n * blocks], w.quantized.scale)),
    zeroPoints: w.symmetric ? "" : edit.addInitializer(`${base}_nbits_zero_points`, makeTensor("uint8", [w.n * Math.ceil(blocks / 2)], packedZeroPoints(w))),
  };
}

/** The MatMulNBits node computing `output` from `input` with a stored weight (for replaceNode). */
export function matMulNBitsNode(init: NBitsInitializers, w: NBitsWeight, io: { input: string; output: string; bias?: string; name: string }): NewNode {
  const inputs = [io.input, init.b, init.scales, init.zeroPoints];
  if (io.bias) inputs.push("", io.bias);
  while (inputs[inputs.length - 1] === "") inputs.pop();
  return {
    name: io.name,
    opType: "MatMulNBits",
    domain: MATMUL_NBITS_DOMAIN,
    inputs,
    outputs: [io.output],
    attributes: {
      K: { type: "int", value: w.k },
      N: { type: "int", value: w.n },
      bits: { type: "int", value: 4 },
      block_size: { type: "int", value: w.blockSize },
    },
  };
}

/** A one-node MatMulNBits graph (with a bias input): onnxruntime accepting it means this build has the op. */
export function matmulNBitsProbe(): Graph {
  const b = new GraphBuilder({ name: "matmulnbits_probe", opset: 17, opsets: { [MATMUL_NBITS_DOMAIN]: 1 } });
  const x = b.input("x", "float32", ["N", 16]);
  const w = quantizeNBits(new Float32Array(32).fill(0.5), 2, 16, 16, true);
  const blob = b.initializer("b", makeTensor("uint8", [2, 1, 8], packedBlocks(w)));
  const scales = b.initializer("s", makeTensor("float32", [2], w.quantized.scale));
  const bias = b.initializer("bias", float32([2], [0, 0]));
  const [y] = b.node("MatMulNBits", [x, blob, scales, "", "", bias], { K: 16, N: 2, bits: 4, block_size: 16 }, { domain: MATMUL_NBITS_DOMAIN });
  b.output(y!, "y");
  return b.build();
}
