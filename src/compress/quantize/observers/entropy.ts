// Entropy calibration (TensorRT's, as in Migacz, "8-bit Inference with
// TensorRT", 2017): the threshold whose quantized distribution Q is closest in
// KL divergence to the observed one P, where P keeps the first i bins with the
// clipped tail added to its last bin and Q merges those i bins into `levels`
// groups spread back over their non-empty bins.
import type { HistogramObserver } from "./histogram.js";

/** Quantization levels on one side of zero (onnxruntime's default num_quantized_bins). */
export const ENTROPY_LEVELS = 128;

function klDivergence(p: Float64Array, q: Float64Array): number {
  let pSum = 0;
  let qSum = 0;
  for (let i = 0; i < p.length; i++) {
    pSum += p[i]!;
    qSum += q[i]!;
  }
  let kl = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]! / pSum;
    if (pi === 0) continue;
    const qi = q[i]! / qSum;
    if (qi === 0) return Number.POSITIVE_INFINITY;
    kl += pi * Math.log(pi / qi);
  }
  return kl;
}

export function entropyThreshold(counts: Float64Array, levels = ENTROPY_LEVELS): number {
  const bins = counts.length;
  if (bins <= levels) return bins;
  let best = bins;
  let bestKl = Number.POSITIVE_INFINITY;
  let tail = 0;
  for (let i = levels; i < bins; i++) tail += counts[i]!;
  for (let i = levels; i <= bins; i++) {
    const p = counts.slice(0, i);
    p[i - 1]! += tail;
    const q = new Float64Array(i);
    const per = i / levels;
    for (let j = 0; j < levels; j++) {
      const start = Math.floor(j * per);
      const end = j === levels - 1 ? i : Math.floor((j + 1) * per);
      let sum = 0;
      let nonEmpty = 0;
      for (let k = start; k < end; k++) {
        sum += counts[k]!;
        if (counts[k]! > 0) nonEmpty++;
      }
      if (nonEmpty === 0) continue;
      for (let k = start; k < end; k++) if (counts[k]! > 0) q[k] = sum / nonEmpty;
    }
    const kl = klDivergence(p, q);
    if (kl < bestKl) {
      bestKl = kl;
      best = i;
    }
    if (i < bins) tail -= counts[i]!;
  }
  return best;
}

export function entropyRange(h: HistogramObserver, levels = ENTROPY_LEVELS): [number, number] {
  return h.rangeFor(entropyThreshold(h.counts, levels) * h.width);
}
