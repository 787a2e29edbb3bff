// Winograd 3×3 convolution, stride 1, NHWC float32, one thread: the filter
// transform (winograd_filter, once per filter) and the convolution
// (winograd_conv), called from winograd.ts.
//
// Winograd's minimal filtering F(4×4, 3×3) (Lavin & Gray, "Fast Algorithms
// for Convolutional Neural Networks", 2016) computes a 4×4 output tile from a
// 6×6 input tile with 36 multiplies per input/output channel pair instead of
// 144: a 3×3 conv becomes 36 independent matrix products [tiles × C]·[C × K]
// between input and filter transforms, on the matrix kernel (gemm.c).
//
// Winograd transforms (interpolation points 0, ±1, ±2, ∞), per 1-D line:
//   input   B^T z : rows [4 0 -5 0 1 0] [0 -4 -4 1 1 0] [0 4 -4 -1 1 0]
//                         [0 -2 -1 2 1 0] [0 2 -1 -2 1 0] [0 4 0 -5 0 1]
//   filter  G g   : rows [1/4 0 0] [-1/6 -1/6 -1/6] [-1/6 1/6 -1/6]
//                         [1/24 1/12 1/6] [1/24 -1/12 1/6] [0 0 1]
//   output  A^T m : rows [1 1 1 1 1 0] [0 1 -1 2 -2 0] [0 1 1 4 4 0] [0 1 -1 8 -8 1]
// and in 2-D each applies along one axis, then the other.
#include "gemm.h"
#include "simd.h"

#define T 6   // input tile side
#define O 4   // output tile side
#define XI 36 // transform points per tile

// Input transform of one line z[0..5] (stride apart) into t[0..5].
static inline void input_line(const vf *z, vf *t) {
  const vf four = k(4.f), five = k(5.f), two = k(2.f);
  t[0] = add(sub(mul(four, z[0]), mul(five, z[2])), z[4]);
  t[1] = sub(add(z[3], z[4]), mul(four, add(z[1], z[2])));
  t[2] = add(mul(four, sub(z[1], z[2])), sub(z[4], z[3]));
  t[3] = add(mul(two, sub(z[3], z[1])), sub(z[4], z[2]));
  t[4] = add(mul(two, sub(z[1], z[3])), sub(z[4], z[2]));
  t[5] = add(sub(mul(four, z[1]), mul(five, z[3])), z[5]);
}

// Output transform of one line m[0..5] into y[0..3].
static inline void output_line(const vf *m, vf *y) {
  const vf s12 = add(m[1], m[2]), d12 = sub(m[1], m[2]);
  const vf s34 = add(m[3], m[4]), d34 = sub(m[3], m[4]);
  y[0] = add(add(m[0], s12), s34);
  y[1] = add(d12, mul(k(2.f), d34));
  y[2] = add(s12, mul(k(4.f), s34));
  y[3] = add(add(d12, mul(k(8.f), d34)), m[5]);
}

// Filter transform of one line g[0..2] into u[0..5].
static inline void filter_line(const vf *g, vf *u) {
  const vf sum = add(g[0], g[2]);
  u[0] = mul(k(0.25f), g[0]);
  u[1] = mul(k(-1.f / 6.f), add(sum, g[1]));
  u[2] = mul(k(-1.f / 6.f), sub(sum, g[1]));
  const vf a = add(mul(k(1.f / 24.f), g[0]), mul(k(1.f / 6.f), g[2]));
  const vf b = mul(k(1.f / 12.f), g[1]);
  u[3] = add(a, b);
  u[4] = sub(a, b);
  u[5] = g[2];
}

// Winograd: filter HWIO [3][3][C][K] → U [36][Kp/8][C][8] (K padded with
// zeros to Kp, a multiple of 8, in the matrix kernel's panels). C and K are
// multiples of 4.
__attribute__((export_name("winograd_filter")))
void winograd_filter(const float *g, float *u, int C, int K, int Kp) {
  const int panels = Kp / 8;
  for (int i = 0; i < XI * panels * C * 8; i++) u[i] = 0.f;
  for (int c = 0; c < C; c++) {
    for (int kk = 0; kk < K; kk += 4) {
      vf taps[9], rows[6][3], line[3], out[6];
      for (int t = 0; t < 9; t++) taps[t] = wasm_v128_load(g + ((long)t * C + c) * K + kk);
      // Along the filter's height (for each of its 3 columns), then along its width.
      for (int j = 0; j < 3; j++) {
        for (int i = 0; i < 3; i++) line[i] = taps[i * 3 + j];
        filter_line(line, out);
        for (int i = 0; i < 6; i++) rows[i][j] = out[i];
      }
      for (int i = 0; i < 6; i++) {
        filter_line(rows[i], out);
        for (int j = 0; j < 6; j++) {
          float *dst = u + (((long)(i * 6 + j) * panels + kk / 8) * C + c) * 8 + kk % 8;
          wasm_v128_store(dst, out[j]);
        }
      }
    }
  }
}

// Winograd 3×3 convolution, stride 1. xp is the input already zero-padded by the caller to
// [N][Hp][Wp][C] with Hp ≥ 4·tilesH + 2 and Wp ≥ 4·tilesW + 2, so no tile
// read needs a bounds check. y is [N][OH][OW][K]. v and m are scratch:
// 36·tb·C and 36·tb·Kp floats; tb (tiles per block) is a multiple of 4.
// bias may be 0 (none); act: 0 none, 1 relu, 2 relu6.
__attribute__((export_name("winograd_conv")))
void winograd_conv(const float *xp, const float *u, const float *bias, float *y, float *v, float *m,
          int N, int Hp, int Wp, int C, int K, int Kp, int OH, int OW, int tb, int act) {
  const int tilesH = (OH + O - 1) / O, tilesW = (OW + O - 1) / O;
  const int tiles = N * tilesH * tilesW;
  const vf zero = k(0.f), six = k(6.f);
  for (int t0 = 0; t0 < tiles; t0 += tb) {
    const int count = tiles - t0 < tb ? tiles - t0 : tb;
    const int rows = (count + 3) / 4 * 4;
    // Input transform: each tile's 6×6 window → 36 rows of V, one per point.
    for (int r = 0; r < rows; r++) {
      if (r >= count) {
        for (int xi = 0; xi < XI; xi++)
          for (int c = 0; c < C; c += 4) wasm_v128_store(v + ((long)xi * tb + r) * C + c, zero);
        continue;
      }
      const int t = t0 + r, n = t / (tilesH * tilesW), th = t / tilesW % tilesH, tw = t % tilesW;
      const float *base = xp + (((long)n * Hp + th * O) * Wp + tw * O) * C;
      for (int c = 0; c < C; c += 4) {
        vf rows6[T][T], line[T], out[T];
        for (int i = 0; i < T; i++) {
          for (int j = 0; j < T; j++) line[j] = wasm_v128_load(base + ((long)i * Wp + j) * C + c);
          input_line(line, rows6[i]);
        }
        for (int j = 0; j < T; j++) {
          for (int i = 0; i < T; i++) line[i] = rows6[i][j];
          input_line(line, out);
          for (int i = 0; i < T; i++) wasm_v128_store(v + ((long)(i * T + j) * tb + r) * C + c, out[i]);
        }
      }
    }
    for (int xi = 0; xi < XI; xi++)
      gemm(v + (long)xi * tb * C, u + (long)xi * Kp * C, m + (long)xi * tb * Kp, rows, C, Kp, Kp, 0, 0);
    // Output transform: 36 points → a 4×4 tile, clipped at the output's edge.
    for (int r = 0; r < count; r++) {
      const int t = t0 + r, n = t / (tilesH * tilesW), th = t / tilesW % tilesH, tw = t % tilesW;
      const int oy0 = th * O, ox0 = tw * O;
      for (int kk = 0; kk < K; kk += 4) {
        vf rows4[T][O], line[T], out[O];
        for (int i = 0; i < T; i++) {
          for (int j = 0; j < T; j++) line[j] = wasm_v128_load(m + ((long)(i * T + j) * tb + r) * Kp + kk);
          output_line(line, rows4[i]);
        }
        const vf b = bias ? wasm_v128_load(bias + kk) : zero;
        for (int j = 0; j < O; j++) {
          if (ox0 + j >= OW) break;
          for (int i = 0; i < T; i++) line[i] = rows4[i][j];
          output_line(line, out);
          for (int i = 0; i < O; i++) {
            if (oy0 + i >= OH) break;
            vf val = add(out[i], b);
            if (act >= 1) val = wasm_f32x4_max(val, zero);
            if (act == 2) val = wasm_f32x4_min(val, six);
            wasm_v128_store(y + (((long)n * OH + oy0 + i) * OW + ox0 + j) * K + kk, val);
          }
        }
      }
    }
  }
}

#undef T
#undef O
#undef XI
