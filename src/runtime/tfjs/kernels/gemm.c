// The matrix kernel our convolutions, dense layers and LSTM share, and the
// export that packs a [C][K] matrix into its panels.
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
// accumulators) measured 25% slower: V8 then spills SIMD registers. Row j's
// values are xj[i·si] (si = 1: a row-major A; larger: a transposed one).
typedef struct { vf c[8]; } tile;

static inline tile tile4x8(const float *x0, const float *x1, const float *x2, const float *x3, int si, const float *panel, int C) {
  vf c00 = k(0), c01 = k(0), c10 = k(0), c11 = k(0), c20 = k(0), c21 = k(0), c30 = k(0), c31 = k(0);
  for (int i = 0; i < C; i++) {
    const vf b0 = wasm_v128_load(panel + i * 8), b1 = wasm_v128_load(panel + i * 8 + 4);
    const long at = (long)i * si;
    vf x;
    x = wasm_v128_load32_splat(x0 + at); c00 = add(c00, mul(x, b0)); c01 = add(c01, mul(x, b1));
    x = wasm_v128_load32_splat(x1 + at); c10 = add(c10, mul(x, b0)); c11 = add(c11, mul(x, b1));
    x = wasm_v128_load32_splat(x2 + at); c20 = add(c20, mul(x, b0)); c21 = add(c21, mul(x, b1));
    x = wasm_v128_load32_splat(x3 + at); c30 = add(c30, mul(x, b0)); c31 = add(c31, mul(x, b1));
  }
  return (tile){{c00, c01, c10, c11, c20, c21, c30, c31}};
}

// Rows go in blocks of 64 so a block of A stays in cache while every panel passes.
static void gemm(const float *a, const float *b, float *y, int rows, int C, int K, int ldy, const float *bias, int act) {
  const int panels = (K + 7) / 8;
  for (int r0 = 0; r0 < rows; r0 += 64) {
    const int r1 = rows < r0 + 64 ? rows : r0 + 64;
    for (int p = 0; p < panels; p++) {
      const float *panel = b + (long)p * C * 8;
      const int col = p * 8, wide = col + 4 < K;
      for (int r = r0; r < r1; r += 4) {
        const float *x0 = a + (long)r * C;
        const tile t = tile4x8(x0, x0 + C, x0 + 2 * C, x0 + 3 * C, 1, panel, C);
        float *out = y + (long)r * ldy + col;
        for (int j = 0; j < 4; j++) wasm_v128_store(out + j * ldy, finish(t.c[2 * j], bias, col, act));
        if (wide)
          for (int j = 0; j < 4; j++) wasm_v128_store(out + j * ldy + 4, finish(t.c[2 * j + 1], bias, col + 4, act));
      }
    }
  }
}

// The first n (1–4) columns of one result vector to out: plus what is there
// (accumulate), plus bias, then the activation. Whole vectors are one store;
// a partial one goes lane by lane, reading and writing nothing past column n.
static inline void put(float *out, vf value, int n, const float *bias, int col, int act, int accumulate) {
  if (n >= 4) {
    if (accumulate) value = add(value, wasm_v128_load(out));
    wasm_v128_store(out, finish(value, bias, col, act));
    return;
  }
  float lanes[4];
  wasm_v128_store(lanes, value);
  for (int j = 0; j < n; j++) {
    float v = lanes[j];
    if (accumulate) v = out[j] + v;
    if (bias) v = v + bias[col + j];
    // f32.max/min: the same NaN and signed-zero rules as the vector ones.
    if (act >= 1) v = __builtin_wasm_max_f32(v, 0.f);
    if (act == 2) v = __builtin_wasm_min_f32(v, 6.f);
    out[j] = v;
  }
}

static void gemm_strided(const float *a, int sr, int si, const float *b, float *y, int rows, int C, int K, int ldy,
                         const float *bias, int act, int accumulate) {
  const int panels = (K + 7) / 8;
  for (int r0 = 0; r0 < rows; r0 += 64) {
    const int r1 = rows < r0 + 64 ? rows : r0 + 64;
    for (int p = 0; p < panels; p++) {
      const float *panel = b + (long)p * C * 8;
      const int col = p * 8, n0 = K - col, n1 = K - col - 4;
      for (int r = r0; r < r1; r += 4) {
        // Rows past the end repeat the last row (read, never stored).
        const int valid = rows - r < 4 ? rows - r : 4;
        const float *x[4];
        for (int j = 0; j < 4; j++) x[j] = a + (long)(r + (j < valid ? j : valid - 1)) * sr;
        const tile t = tile4x8(x[0], x[1], x[2], x[3], si, panel, C);
        float *out = y + (long)r * ldy + col;
        for (int j = 0; j < valid; j++) {
          put(out + (long)j * ldy, t.c[2 * j], n0, bias, col, act, accumulate);
          if (n1 > 0) put(out + (long)j * ldy + 4, t.c[2 * j + 1], n1, bias, col + 4, act, accumulate);
        }
      }
    }
  }
}

static void pack_strided(const float *src, int si, int sj, float *u, int C, int K) {
  const int panels = (K + 7) / 8;
  for (int p = 0; p < panels; p++)
    for (int i = 0; i < C; i++) {
      float *to = u + ((long)p * C + i) * 8;
      const float *from = src + (long)i * si;
      for (int j = 0; j < 8; j++) {
        const int col = p * 8 + j;
        to[j] = col < K ? from[(long)col * sj] : 0.f;
      }
    }
}

// A filter [C][K] (a 1×1 HWIO filter) → panels [ceil(K/8)][C][8], zero past K.
__attribute__((export_name("pack_panels")))
void pack_panels(const float *w, float *u, int C, int K) {
  pack_strided(w, K, 1, u, C, K);
}
