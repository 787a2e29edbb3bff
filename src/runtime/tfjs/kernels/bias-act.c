// The gradient of a fused bias and activation (bias-act.ts): what tfjs does
// with a Relu gradient (a Step and a Multiply kernel, each a full pass and a
// new tensor) and a bias gradient (a Sum over every axis but the last, which
// wasm runs as a transpose and a reduction), in one pass over dy.
#include "simd.h"

// dz = dy · act′ for n floats at d (values v, out o or 0), adding each to
// part[j] (j the float's index, part n floats or 0).
static inline void bias_act_run(const float *d, const float *v, float *o, float *part, int n, int act) {
  const vf zero = k(0), six = k(6);
  int j = 0;
  for (; j + 4 <= n; j += 4) {
    vf g = wasm_v128_load(d + j);
    if (act >= 1) {
      const vf value = wasm_v128_load(v + j);
      v128_t keep = wasm_f32x4_gt(value, zero);
      if (act == 2) keep = wasm_v128_and(keep, wasm_f32x4_lt(value, six));
      g = wasm_v128_and(g, keep);
    }
    if (o) wasm_v128_store(o + j, g);
    if (part) wasm_v128_store(part + j, add(wasm_v128_load(part + j), g));
  }
  for (; j < n; j++) {
    float g = d[j];
    if (act >= 1 && !(v[j] > 0.f && (act != 2 || v[j] < 6.f))) g = 0.f;
    if (o) o[j] = g;
    if (part) part[j] += g;
  }
}

// For y = act(z) over rows × K (row-major): dz = dy · act′ (relu: y > 0;
// relu6: 0 < y < 6, as PyTorch's hardtanh; act 0: dz = dy, y unused), written
// unless dz is 0; db = Σ_rows dz, written unless db is 0, summed in blocks of
// 64 rows into part (4·K floats of scratch) so the rounding error grows with
// 64 + rows/64 terms, not with rows. Rows go 4 at a time as one run of 4·K
// floats (a multiple of 4 whatever K is), part holding each of the 4 rows'
// sums: with few channels (6: LeNet-5's first conv) every float is in a
// vector, not one vector and two scalars per row.
__attribute__((export_name("bias_act_grad")))
void bias_act_grad(const float *dy, const float *y, float *dz, float *db, float *part, int rows, int K, int act) {
  if (db)
    for (int j = 0; j < K; j++) db[j] = 0.f;
  for (int r0 = 0; r0 < rows; r0 += 64) {
    const int r1 = rows < r0 + 64 ? rows : r0 + 64;
    if (db)
      for (int j = 0; j < 4 * K; j++) part[j] = 0.f;
    int r = r0;
    for (; r + 4 <= r1; r += 4) {
      const long at = (long)r * K;
      bias_act_run(dy + at, y + at, dz ? dz + at : 0, db ? part : 0, 4 * K, act);
    }
    for (; r < r1; r++) {
      const long at = (long)r * K;
      bias_act_run(dy + at, y + at, dz ? dz + at : 0, db ? part : 0, K, act);
    }
    if (db)
      for (int j = 0; j < K; j++) db[j] += (part[j] + part[K + j]) + (part[2 * K + j] + part[3 * K + j]);
  }
}
