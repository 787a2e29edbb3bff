// One direction of an LSTM with ONNX's default activations (sigmoid, tanh,
// tanh), no peepholes, no clip, in inference (lstm.ts, for
// recurrent-fused.ts). The input projection X·W is done (proj); per step this
// adds h·R with the matrix kernel (gemm.c) and runs the gates four hidden
// units at a time.
#include "gemm.h"
#include "simd.h"

// e^x for |x| ≤ 88: x = n·ln2 + r, |r| ≤ ln2/2, e^r by its Taylor series to
// r⁶ (truncation ≤ 1.2e-7 relative), 2^n built in the exponent bits.
static inline vf exp4(vf x) {
  x = wasm_f32x4_min(wasm_f32x4_max(x, k(-87.f)), k(88.f));
  const vf n = wasm_f32x4_nearest(mul(x, k(1.44269504f)));
  const vf r = sub(sub(x, mul(n, k(0.693145752f))), mul(n, k(1.42860677e-6f)));
  vf p = add(k(1.f / 720.f), mul(r, k(1.f / 5040.f)));
  p = add(k(1.f / 120.f), mul(r, p));
  p = add(k(1.f / 24.f), mul(r, p));
  p = add(k(1.f / 6.f), mul(r, p));
  p = add(k(0.5f), mul(r, p));
  p = add(k(1.f), mul(r, p));
  p = add(k(1.f), mul(r, p));
  const v128_t scale = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  return mul(p, scale);
}

static inline vf sigmoid4(vf x) { return wasm_f32x4_div(k(1.f), add(k(1.f), exp4(wasm_f32x4_neg(x)))); }
static inline vf tanh4(vf x) { return sub(k(1.f), wasm_f32x4_div(k(2.f), add(k(1.f), exp4(add(x, x))))); }

// proj: X·W for this direction, rows in X's order (row = batchFirst ? b·seq + t
// : t·batch + b), G = 4H floats each, gates i, o, f, c. panels: R packed for
// the matrix kernel (pack_panels of the [H][G] matrix). bias: Wb + Rb [G].
// h, c: [rows4][H] states in (initial values; rows past batch zero) and out.
// tmp: [rows4][G] scratch. y: the Y output; y_t_stride, y_b_stride its
// strides in floats for t and b (this direction's offset already in y).
// H is a multiple of 4; rows4 = batch rounded up to 4.
__attribute__((export_name("lstm_direction")))
void lstm_direction(const float *proj, const float *panels, const float *bias, float *h, float *c, float *tmp, float *y,
                    int seq, int batch, int rows4, int H, int batch_first, int reverse, int y_t_stride, int y_b_stride) {
  const int G = 4 * H;
  for (int step = 0; step < seq; step++) {
    const int t = reverse ? seq - 1 - step : step;
    gemm(h, panels, tmp, rows4, H, G, G, 0, 0);
    for (int b = 0; b < batch; b++) {
      const float *p = proj + (long)(batch_first ? b * seq + t : t * batch + b) * G;
      const float *a = tmp + (long)b * G;
      float *hb = h + (long)b * H, *cb = c + (long)b * H;
      float *yb = y + (long)t * y_t_stride + (long)b * y_b_stride;
      for (int j = 0; j < H; j += 4) {
#define GATE(o) add(add(wasm_v128_load(a + (o) + j), wasm_v128_load(p + (o) + j)), wasm_v128_load(bias + (o) + j))
        const vf in = sigmoid4(GATE(0)), out = sigmoid4(GATE(H)), forget = sigmoid4(GATE(2 * H)), cand = tanh4(GATE(3 * H));
#undef GATE
        const vf next = add(mul(forget, wasm_v128_load(cb + j)), mul(in, cand));
        const vf hn = mul(out, tanh4(next));
        wasm_v128_store(cb + j, next);
        wasm_v128_store(hb + j, hn);
        wasm_v128_store(yb + j, hn);
      }
    }
  }
}
