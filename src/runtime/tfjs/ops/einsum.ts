// Einsum (opset 12) for one or two operands, built from transpose, reshape,
// matMul and sum (the wasm backend has no Einsum kernel, and these all have
// gradients). Repeated labels in one operand take its diagonal; labels only
// one operand uses and the output drops are summed first; the rest is one
// batched matMul: [batch, kept-from-A, contracted] × [batch, contracted, kept-from-B].
import { tf } from "../tf.js";
import { required, shapeError, unsupportedFeature } from "./args.js";
import { Einsum } from "../../../graph/ops/einsum.js";
import { implement, type OpContext, type OpEntry } from "./types.js";

/** Letters standing in for the dims "..." covers; ONNX labels are [a-zA-Z] only. */
const ELLIPSIS_LABELS = "0123456789";

interface Operand {
  t: tf.Tensor;
  labels: string[];
}

/** Splits "ij,jk->ik" into operand and output label lists, expanding "..." per operand rank. */
function parse(equation: string, tensors: readonly tf.Tensor[], ctx: OpContext): { inputs: string[][]; output: string[] } {
  const [lhs, rhs] = equation.replace(/\s/g, "").split("->") as [string, string | undefined];
  const terms = lhs.split(",");
  if (terms.length !== tensors.length) throw shapeError(ctx, `equation "${equation}" has ${terms.length} operands, the node ${tensors.length} inputs`);
  let ellipsisRank = 0;
  const inputs = terms.map((term, k) => {
    const letters = term.replace("...", "").split("");
    const rank = (tensors[k] as tf.Tensor).rank;
    if (!term.includes("...")) {
      if (letters.length !== rank) throw shapeError(ctx, `operand ${k} "${term}" has ${letters.length} labels for rank ${rank}`);
      return letters;
    }
    const covered = rank - letters.length;
    ellipsisRank = Math.max(ellipsisRank, covered);
    const [before, after] = term.split("...") as [string, string];
    // Ellipsis dims align from the right, like broadcasting.
    const fill = ELLIPSIS_LABELS.slice(ELLIPSIS_LABELS.length - covered).split("");
    return [...before.split("").filter(Boolean), ...fill, ...after.split("").filter(Boolean)];
  });
  const ellipsis = ELLIPSIS_LABELS.slice(ELLIPSIS_LABELS.length - ellipsisRank).split("");
  if (rhs !== undefined) {
    const [before, after] = rhs.includes("...") ? (rhs.split("...") as [string, string]) : [rhs, undefined];
    const output = after === undefined ? before.split("") : [...before.split(""), ...ellipsis, ...after.split("")];
    return { inputs, output: output.filter(Boolean) };
  }
  // Implicit output: the ellipsis, then every label used exactly once, alphabetically.
  const counts = new Map<string, number>();
  for (const l of inputs.flat()) if (!ELLIPSIS_LABELS.includes(l)) counts.set(l, (counts.get(l) ?? 0) + 1);
  return { inputs, output: [...ellipsis, ...[...counts].filter(([, n]) => n === 1).map(([l]) => l).sort()] };
}

/** Takes the diagonal over repeated labels, then sums labels nobody else needs. */
function simplify(op: Operand, keep: ReadonlySet<string>): Operand {
  let { t, labels } = op;
  for (let i = 0; i < labels.length; i++) {
    const j = labels.indexOf(labels[i] as string, i + 1);
    if (j < 0) continue;
    // Diagonal of axes i and j: multiply by the identity on them, then sum axis j away.
    const n = t.shape[i] as number;
    const eye = tf.reshape(tf.eye(n), t.shape.map((d, k) => (k === i || k === j ? n : 1)));
    t = tf.sum(tf.mul(t, eye), j);
    labels = labels.filter((_, k) => k !== j);
    i--;
  }
  const drop = labels.map((l, k) => (keep.has(l) ? -1 : k)).filter((k) => k >= 0);
  if (drop.length > 0) {
    t = tf.sum(t, drop);
    labels = labels.filter((l) => keep.has(l));
  }
  return { t, labels };
}

function permuteTo(op: Operand, order: readonly string[]): tf.Tensor {
  const perm = order.map((l) => op.labels.indexOf(l));
  return perm.every((p, i) => p === i) ? op.t : tf.transpose(op.t, perm);
}

function contract(a: Operand, b: Operand, output: readonly string[]): Operand {
  const inB = new Set(b.labels);
  const inOut = new Set(output);
  const batch = a.labels.filter((l) => inB.has(l) && inOut.has(l));
  const summed = a.labels.filter((l) => inB.has(l) && !inOut.has(l));
  const aKeep = a.labels.filter((l) => !inB.has(l));
  const bKeep = b.labels.filter((l) => !a.labels.includes(l));
  const size = (op: Operand, ls: readonly string[]) => ls.map((l) => op.t.shape[op.labels.indexOf(l)] as number);
  // Batch dims broadcast (an ellipsis may be 1 on one side).
  const batchDims = batch.map((l) => Math.max(size(a, [l])[0] as number, size(b, [l])[0] as number));
  const prod = (ds: readonly number[]) => ds.reduce((x, y) => x * y, 1);
  const aT = tf.broadcastTo(permuteTo(a, [...batch, ...aKeep, ...summed]), [...batchDims, ...size(a, aKeep), ...size(a, summed)]);
  const bT = tf.broadcastTo(permuteTo(b, [...batch, ...summed, ...bKeep]), [...batchDims, ...size(b, summed), ...size(b, bKeep)]);
  const product = tf.matMul(
    tf.reshape(aT, [prod(batchDims), prod(size(a, aKeep)), prod(size(a, summed))]),
    tf.reshape(bT, [prod(batchDims), prod(size(b, summed)), prod(size(b, bKeep))]),
  );
  return { t: tf.reshape(product, [...batchDims, ...size(a, aKeep), ...size(b, bKeep)]), labels: [...batch, ...aKeep, ...bKeep] };
}

const einsum = implement(Einsum[12], {
  run(inputs, attrs, ctx) {
    const tensors = inputs.map((t, i) => required(inputs, i, ctx, `Inputs[${i}]`));
    if (tensors.length < 1 || tensors.length > 2) throw unsupportedFeature(ctx, `${tensors.length} operands (1 or 2 are implemented)`);
    const { inputs: labels, output } = parse(attrs.equation, tensors, ctx);
    return [
      tf.tidy(() => {
        const needed = (k: number) => new Set([...output, ...labels.filter((_, j) => j !== k).flat()]);
        const ops = tensors.map((t, k) => simplify({ t, labels: labels[k] as string[] }, needed(k)));
        const result = ops.length === 2 ? contract(ops[0] as Operand, ops[1] as Operand, output) : (ops[0] as Operand);
        const missing = output.filter((l) => !result.labels.includes(l));
        if (missing.length > 0) throw shapeError(ctx, `output labels ${missing.join(", ")} appear in no operand`);
        return permuteTo(result, output);
      }),
    ];
  },
});

export const EINSUM_OPS: readonly OpEntry[] = [einsum];
