// Adam/AdamW's update over f32x4 lanes, one pass per variable (adam.ts): the
// optimizer state that tf ops would update with a dozen elementwise kernels,
// each allocating a full-size intermediate. Runs on the optimizer's own
// memory (not tfjs's heap), where adam.ts keeps the moments m and v.

#include "simd.h"

// w, g, m, v: n floats each (n a multiple of 4); w, m and v updated in place:
//   g' = g + l2·w;  m = β1·m + (1−β1)·g';  v = β2·v + (1−β2)·g'²
//   w  = decay·w − step·m / (√v + ε̂)
// c1 = 1−β1 and c2 = 1−β2; step and ε̂ carry the bias corrections; l2 is
// Adam's weight_decay, decay AdamW's decoupled one (1 for none).
__attribute__((export_name("adam")))
void adam(float *w, const float *g, float *m, float *v, int n, float beta1, float c1, float beta2, float c2, float step,
          float eps, float l2, float decay) {
  const vf b1 = k(beta1), k1 = k(c1), b2 = k(beta2), k2 = k(c2), s = k(step), e = k(eps), wd = k(l2), d = k(decay);
  for (int i = 0; i < n; i += 4) {
    const vf wv = wasm_v128_load(w + i);
    const vf gv = add(wasm_v128_load(g + i), mul(wv, wd));
    const vf mv = add(mul(wasm_v128_load(m + i), b1), mul(gv, k1));
    const vf vv = add(mul(wasm_v128_load(v + i), b2), mul(mul(gv, gv), k2));
    wasm_v128_store(m + i, mv);
    wasm_v128_store(v + i, vv);
    wasm_v128_store(w + i, sub(mul(wv, d), wasm_f32x4_div(mul(mv, s), add(wasm_f32x4_sqrt(vv), e))));
  }
}
