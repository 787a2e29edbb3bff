// Unstructured L1 ranking: keep masks that prune the weights of smallest
// |value|, per weight ("layer" scope) or with one threshold over all of them
// ("global", as torch.nn.utils.prune.global_unstructured). Entries a previous
// mask pruned count as smallest, so masks only ever grow sparser, and ties at
// the threshold are broken by element order so a result is reproducible.
export const SCOPES = ["layer", "global"] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * Masks for `weights` at `sparsity` (fraction pruned, in [0, 1)). Element order
 * is whatever the caller uses for both weights and previous masks.
 */
export function magnitudeMasks(
  weights: ReadonlyMap<string, Float32Array>,
  sparsity: number,
  scope: Scope,
  previous: ReadonlyMap<string, Uint8Array> = new Map(),
): Map<string, Uint8Array> {
  const scores = new Map<string, Float32Array>();
  for (const [name, w] of weights) scores.set(name, scoresOf(w, previous.get(name)));
  if (scope === "layer") {
    return new Map([...scores].map(([name, s]) => [name, keepLargest(s, s.length - Math.round(sparsity * s.length))]));
  }
  const total = [...scores.values()].reduce((n, s) => n + s.length, 0);
  const prune = Math.round(sparsity * total);
  const all = new Float32Array(total);
  let offset = 0;
  for (const s of scores.values()) {
    all.set(s, offset);
    offset += s.length;
  }
  const { threshold, atThreshold } = thresholdFor(all, prune);
  // Ties at the threshold go in element order across the weights, in map order.
  const ties = { left: atThreshold };
  return new Map([...scores].map(([name, s]) => [name, maskAbove(s, threshold, ties)]));
}

/** |w|, with entries pruned before scored −1 so they stay pruned. */
function scoresOf(w: Float32Array, previous: Uint8Array | undefined): Float32Array {
  const s = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) s[i] = previous !== undefined && previous[i] === 0 ? -1 : Math.abs(w[i]!);
  return s;
}

/** The k-th smallest score and how many entries equal to it fall among the k smallest. */
function thresholdFor(scores: Float32Array, prune: number): { threshold: number; atThreshold: number } {
  if (prune <= 0) return { threshold: -Infinity, atThreshold: 0 };
  const sorted = Float32Array.from(scores).sort();
  const threshold = sorted[Math.min(prune, sorted.length) - 1]!;
  let below = 0;
  for (let i = 0; i < prune && sorted[i]! < threshold; i++) below++;
  return { threshold, atThreshold: Math.min(prune, sorted.length) - below };
}

/** A mask keeping the `keep` largest scores (ties at the threshold: earlier elements pruned first). */
function keepLargest(scores: Float32Array, keep: number): Uint8Array {
  const { threshold, atThreshold } = thresholdFor(scores, scores.length - keep);
  return maskAbove(scores, threshold, { left: atThreshold });
}

/** Keeps scores above the threshold; of those equal to it, prunes the first `ties.left` (shared across calls). */
function maskAbove(scores: Float32Array, threshold: number, ties: { left: number }): Uint8Array {
  const mask = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (s < 0) continue; // pruned before: stays pruned even when the new sparsity is lower
    if (s > threshold || (s === threshold && ties.left <= 0)) mask[i] = 1;
    else if (s === threshold) ties.left--;
  }
  return mask;
}

/** The weights with every pruned entry set to exactly zero (same dtype as given). */
export function applyMask<T extends Float32Array | Float64Array>(values: T, mask: Uint8Array): T {
  const out = values.slice() as T;
  for (let i = 0; i < out.length; i++) if (mask[i] === 0) out[i] = 0;
  return out;
}
