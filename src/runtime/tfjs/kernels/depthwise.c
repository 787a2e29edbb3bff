// 3×3 depthwise convolution (channel multiplier 1) on NHWC float32 data,
// with bias and a clamp (relu / relu6 / none). Channels go 4 at a time
// (f32x4), so C must be a multiple of 4; the caller (depthwise.ts) falls back
// otherwise.
#include "simd.h"

#define TAP(p, k) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load((p) + c), wasm_v128_load(w + (k) * C + c)))

/** Output pixels whose 3×3 window lies inside the input: nine taps, no checks. */
static void interior(const float* in, const float* w, const float* bias, float* o, int W, int C, v128_t lo, v128_t hi) {
  const float* r0 = in;
  const float* r1 = in + W * C;
  const float* r2 = in + 2 * W * C;
  for (int c = 0; c < C; c += 4) {
    v128_t acc = bias ? wasm_v128_load(bias + c) : wasm_f32x4_splat(0.0f);
    TAP(r0, 0); TAP(r0 + C, 1); TAP(r0 + 2 * C, 2);
    TAP(r1, 3); TAP(r1 + C, 4); TAP(r1 + 2 * C, 5);
    TAP(r2, 6); TAP(r2 + C, 7); TAP(r2 + 2 * C, 8);
    wasm_v128_store(o + c, wasm_f32x4_pmin(wasm_f32x4_pmax(acc, lo), hi));
  }
}

/** Pixels near the border: bias, then every tap that falls inside, then the clamp. */
static void border(const float* in, const float* w, const float* bias, float* o, int H, int W, int C, int iy0, int ix0, v128_t lo, v128_t hi) {
  for (int c = 0; c < C; c += 4) wasm_v128_store(o + c, bias ? wasm_v128_load(bias + c) : wasm_f32x4_splat(0.0f));
  for (int ky = 0; ky < 3; ky++) {
    int iy = iy0 + ky;
    if (iy < 0 || iy >= H) continue;
    for (int kx = 0; kx < 3; kx++) {
      int ix = ix0 + kx;
      if (ix < 0 || ix >= W) continue;
      const float* p = in + (iy * W + ix) * C;
      const float* k = w + (ky * 3 + kx) * C;
      for (int c = 0; c < C; c += 4) {
        v128_t acc = wasm_v128_load(o + c);
        wasm_v128_store(o + c, wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(p + c), wasm_v128_load(k + c))));
      }
    }
  }
  for (int c = 0; c < C; c += 4) wasm_v128_store(o + c, wasm_f32x4_pmin(wasm_f32x4_pmax(wasm_v128_load(o + c), lo), hi));
}

// in (N, H, W, C), w (3, 3, C) tap-major, bias (C) or 0 for none, out (N, OH, OW, C);
// strides sh, sw; padT, padL zero rows/columns before the input (the ones
// after it need no argument: taps past the end are skipped). Outputs are
// clamped to [lo, hi].
__attribute__((export_name("dwconv3x3")))
void dwconv3x3(const float* in, const float* w, const float* bias, float* out, int N, int H, int W, int C,
               int OH, int OW, int sh, int sw, int padT, int padL, float lo, float hi) {
  const v128_t vlo = wasm_f32x4_splat(lo), vhi = wasm_f32x4_splat(hi);
  for (int n = 0; n < N; n++) {
    const float* inN = in + n * H * W * C;
    float* outN = out + n * OH * OW * C;
    for (int oy = 0; oy < OH; oy++) {
      int iy0 = oy * sh - padT;
      int rowsInside = iy0 >= 0 && iy0 + 2 < H;
      for (int ox = 0; ox < OW; ox++) {
        int ix0 = ox * sw - padL;
        float* o = outN + (oy * OW + ox) * C;
        if (rowsInside && ix0 >= 0 && ix0 + 2 < W) interior(inN + (iy0 * W + ix0) * C, w, bias, o, W, C, vlo, vhi);
        else border(inN, w, bias, o, H, W, C, iy0, ix0, vlo, vhi);
      }
    }
  }
}

#undef TAP
