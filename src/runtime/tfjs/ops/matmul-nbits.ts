// onnxruntime's com.microsoft MatMulNBits: Y = A · dequant(B)ᵀ (+ bias), B
// stored as `bits`-bit blocks along K: uint8 [N, ⌈K/block⌉, block·bits/8],
// low bits first; scales [N·⌈K/block⌉]; zero points packed the same way
// (or float, one per block; absent: 2^(bits−1), the middle of the range).
// The weight is unpacked with tf ops on each call, so any backend runs it.
import { tf } from "../tf.js";
import { required, shapeError, unsupportedFeature } from "./args.js";
import { matmulNd } from "./matmul.js";
import { MatMulNBits } from "../../../graph/ops/quantization.js";
import { implement, type OpContext, type OpEntry } from "./types.js";

/** Unpacks uint8 codes [..., bytes] into [..., bytes·(8/bits)] values, low bits first. */
function unpack(packed: tf.Tensor, bits: number): tf.Tensor {
  const x = tf.cast(packed, "int32");
  if (bits === 8) return x;
  const perByte = 8 / bits;
  const fields = Array.from({ length: perByte }, (_, i) => tf.mod(tf.floorDiv(x, 2 ** (bits * i)), 2 ** bits));
  const stacked = tf.stack(fields, x.rank);
  return tf.reshape(stacked, [...x.shape.slice(0, -1), x.shape[x.rank - 1]! * perByte]);
}

function attrInt(attrs: Readonly<Record<string, unknown>>, name: string): number {
  return attrs[name] as number;
}

const matMulNBits = implement(MatMulNBits[1], {
  run(inputs, attrs, ctx: OpContext) {
    const [k, n, bits, block] = [attrInt(attrs, "K"), attrInt(attrs, "N"), attrInt(attrs, "bits"), attrInt(attrs, "block_size")];
    if (![2, 4, 8].includes(bits)) throw unsupportedFeature(ctx, `bits ${bits}`);
    if (inputs[4]) throw unsupportedFeature(ctx, "g_idx (act-order)");
    const a = required(inputs, 0, ctx, "A");
    const b = required(inputs, 1, ctx, "B");
    const scales = required(inputs, 2, ctx, "scales");
    const blocks = Math.ceil(k / block);
    if (b.size !== n * blocks * ((block * bits) / 8)) throw shapeError(ctx, `B has ${b.size} bytes, expected N·⌈K/block⌉·block·bits/8 = ${n * blocks * ((block * bits) / 8)}`);
    if (scales.size !== n * blocks) throw shapeError(ctx, `scales has ${scales.size} values, expected N·⌈K/block⌉ = ${n * blocks}`);
    if (a.shape[a.rank - 1] !== k) throw shapeError(ctx, `A's last dim is ${a.shape[a.rank - 1]}, but K is ${k}`);
    return [
      tf.tidy(() => {
        const codes = tf.cast(unpack(tf.reshape(b, [n, blocks, (block * bits) / 8]), bits), "float32");
        const zp = inputs[3];
        let zero: tf.Tensor;
        if (!zp) zero = tf.scalar(2 ** (bits - 1));
        else if (zp.dtype === "float32" && ctx.dtypeOf?.(3) !== "uint8") zero = tf.reshape(zp, [n, blocks, 1]);
        else zero = tf.reshape(tf.slice(tf.reshape(unpack(tf.reshape(zp, [n, -1]), bits), [n, -1]), [0, 0], [n, blocks]), [n, blocks, 1]);
        const w = tf.mul(tf.sub(codes, tf.cast(zero, "float32")), tf.reshape(scales, [n, blocks, 1]));
        const wNK = tf.slice(tf.reshape(w, [n, blocks * block]), [0, 0], [n, k]);
        let y = matmulNd(a, tf.transpose(wNK));
        if (inputs[5]) y = tf.add(y, inputs[5]);
        return y;
      }),
    ];
  },
});

export const MATMUL_NBITS_OPS: readonly OpEntry[] = [matMulNBits];
