// The matrix kernel our convolutions and LSTM share, and the export that packs
// a [C][K] matrix into its panels.
//
// Why: tfjs's wasm backend runs convs and matmuls through XNNPACK at ~16
// GFLOP/s here; a 4×8 register-blocked kernel over filters packed in panels
// of 8 output channels measured 22 GFLOP/s (XNNPACK's 1×1 convs: 8–13 GFLOP/s
// in the same run).
#include "gemm.h"
#include "simd.h"

// Bias (or none) and activation (0 none, 1 relu, 2 relu6) on one result vector.
static inline vf finish(vf value, const float *bias, int col, int act) {
  if (bias) value = add(value, wasm_v128_load(bias + col));
  if (act >= 1) value = wasm_f32x4_max(value, k(0.f));
  if (act == 2) value = wasm_f32x4_min(value, k(6.f));
  return value;
}

// Four rows by eight columns of accumulators: 8 registers, plus two for the
// filter panel and one for the broadcast input value. Six rows (12
// accumulators) measured 25% slower: V8 then spills SIMD registers. Rows go
// in blocks of 64 so a block of A stays in cache while every panel passes.
static void gemm(const float *a, const float *b, float *y, int rows, int C, int K, int ldy, const float *bias, int act) {
  const int panels = (K + 7) / 8;
  for (int r0 = 0; r0 < rows; r0 += 64) {
    const int r1 = rows < r0 + 64 ? rows : r0 + 64;
    for (int p = 0; p < panels; p++) {
      const float *panel = b + (long)p * C * 8;
      const int col = p * 8, wide = col + 4 < K;
      for (int r = r0; r < r1; r += 4) {
        const float *x0 = a + (long)r * C, *x1 = x0 + C, *x2 = x1 + C, *x3 = x2 + C;
        vf c00 = k(0), c01 = k(0), c10 = k(0), c11 = k(0), c20 = k(0), c21 = k(0), c30 = k(0), c31 = k(0);
        for (int i = 0; i < C; i++) {
          const vf b0 = wasm_v128_load(panel + i * 8), b1 = wasm_v128_load(panel + i * 8 + 4);
          vf x;
          x = wasm_v128_load32_splat(x0 + i); c00 = add(c00, mul(x, b0)); c01 = add(c01, mul(x, b1));
          x = wasm_v128_load32_splat(x1 + i); c10 = add(c10, mul(x, b0)); c11 = add(c11, mul(x, b1));
          x = wasm_v128_load32_splat(x2 + i); c20 = add(c20, mul(x, b0)); c21 = add(c21, mul(x, b1));
          x = wasm_v128_load32_splat(x3 + i); c30 = add(c30, mul(x, b0)); c31 = add(c31, mul(x, b1));
        }
        float *out = y + (long)r * ldy + col;
        wasm_v128_store(out, finish(c00, bias, col, act));
        wasm_v128_store(out + ldy, finish(c10, bias, col, act));
        wasm_v128_store(out + 2 * ldy, finish(c20, bias, col, act));
        wasm_v128_store(out + 3 * ldy, finish(c30, bias, col, act));
        if (wide) {
          wasm_v128_store(out + 4, finish(c01, bias, col + 4, act));
          wasm_v128_store(out + ldy + 4, finish(c11, bias, col + 4, act));
          wasm_v128_store(out + 2 * ldy + 4, finish(c21, bias, col + 4, act));
          wasm_v128_store(out + 3 * ldy + 4, finish(c31, bias, col + 4, act));
        }
      }
    }
  }
}

// A filter [C][K] (a 1×1 HWIO filter) → panels [ceil(K/8)][C][8], zero past K.
__attribute__((export_name("pack_panels")))
void pack_panels(const float *w, float *u, int C, int K) {
  const int panels = (K + 7) / 8;
  for (int p = 0; p < panels; p++)
    for (int c = 0; c < C; c++)
      for (int j = 0; j < 8; j++) {
        const int col = p * 8 + j;
        u[((long)p * C + c) * 8 + j] = col < K ? w[(long)c * K + col] : 0.f;
      }
}
