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

// The output transform's adjoint on one line d[0..3] into m[0..5]: output_line
// is y0 = m0 + m1 + m2 + m3 + m4, y1 = m1 − m2 + 2m3 − 2m4, y2 = m1 + m2 +
// 4m3 + 4m4, y3 = m1 − m2 + 8m3 − 8m4 + m5.
static inline void output_line_adjoint(const vf *d, vf *m) {
  const vf two = k(2.f), four = k(4.f), eight = k(8.f);
  const vf s02 = add(d[0], d[2]);
  m[0] = d[0];
  m[1] = add(add(s02, d[1]), d[3]);
  m[2] = sub(s02, add(d[1], d[3]));
  m[3] = add(add(d[0], mul(two, d[1])), add(mul(four, d[2]), mul(eight, d[3])));
  m[4] = add(sub(d[0], mul(two, d[1])), sub(mul(four, d[2]), mul(eight, d[3])));
  m[5] = d[3];
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

// Input transform of tiles t0 .. t0 + count − 1 (6×6 windows of the padded
// input xp) into V [36][tb][C], one row per tile and point; rows count ..
// rows − 1 are zeros.
static void input_transform(const float *xp, float *v, int t0, int count, int rows, int tb, int tilesH, int tilesW,
                            int Hp, int Wp, int C) {
  const vf zero = k(0.f);
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
}

// The filter transform's adjoint on one line u[0..5] into g[0..2]:
// g0 = u0/4 − u1/6 − u2/6 + u3/24 + u4/24, g1 = (u2 − u1)/6 + (u3 − u4)/12,
// g2 = (u3 + u4 − u1 − u2)/6 + u5.
static inline void filter_line_adjoint(const vf *u, vf *g) {
  g[0] = add(sub(mul(k(0.25f), u[0]), mul(k(1.f / 6.f), add(u[1], u[2]))), mul(k(1.f / 24.f), add(u[3], u[4])));
  g[1] = add(mul(k(1.f / 6.f), sub(u[2], u[1])), mul(k(1.f / 12.f), sub(u[3], u[4])));
  g[2] = add(mul(k(1.f / 6.f), sub(add(u[3], u[4]), add(u[1], u[2]))), u[5]);
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
    input_transform(xp, v, t0, count, rows, tb, tilesH, tilesW, Hp, Wp, C);
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

// The filter gradient of winograd_conv, its adjoint step by step: for each
// block of tiles, V from the padded input as in the forward, and dM [36]
// from dy's 4×4 tile through the output transform's adjoint (A dy Aᵀ); then
// dU_ξ += V_ξᵀ · dM_ξ for each of the 36 points, and finally the filter
// transform's adjoint (Gᵀ dU G) gives dw HWIO [3][3][C][K]. Exact as a
// gradient of the Winograd forward, which computes the conv exactly.
//
// xp as winograd_conv's; dy [N][OH][OW][K]. Scratch: v 36·tb·C floats, dm
// 36·tb·Kp (dM in the matrix kernel's panels, inner dimension tb), du
// 36·C·K. tb is a multiple of 4; C and K multiples of 4, Kp = K rounded up to 8;
// N, OH and OW at least 1 (the first block writes dU, later ones add to it).
__attribute__((export_name("winograd_filter_grad")))
void winograd_filter_grad(const float *xp, const float *dy, float *dw, float *v, float *dm, float *du,
                          int N, int Hp, int Wp, int C, int K, int Kp, int OH, int OW, int tb) {
  const int tilesH = (OH + O - 1) / O, tilesW = (OW + O - 1) / O;
  const int tiles = N * tilesH * tilesW;
  const vf zero = k(0.f);
  for (int t0 = 0; t0 < tiles; t0 += tb) {
    const int count = tiles - t0 < tb ? tiles - t0 : tb;
    input_transform(xp, v, t0, count, tb, tb, tilesH, tilesW, Hp, Wp, C);
    // dM in panels: point ξ, tile r, channel kk at dm[ξ][kk / 8][r][kk % 8]; zeros past K and past count.
    for (int r = 0; r < tb; r++) {
      const int t = t0 + r, n = t / (tilesH * tilesW), th = t / tilesW % tilesH, tw = t % tilesW;
      const int oy0 = th * O, ox0 = tw * O;
      for (int kk = 0; kk < Kp; kk += 4) {
        float *at = dm + ((long)(kk / 8) * tb + r) * 8 + kk % 8;
        if (r >= count || kk >= K) {
          for (int xi = 0; xi < XI; xi++) wasm_v128_store(at + (long)xi * tb * Kp, zero);
          continue;
        }
        // Along the tile's rows (each row's 4 columns), then its columns: m = A d Aᵀ.
        vf cols6[O][T], line[O], out[T];
        for (int i = 0; i < O; i++) {
          for (int j = 0; j < O; j++) {
            const int oy = oy0 + i, ox = ox0 + j;
            line[j] = oy < OH && ox < OW ? wasm_v128_load(dy + (((long)n * OH + oy) * OW + ox) * K + kk) : zero;
          }
          output_line_adjoint(line, cols6[i]);
        }
        for (int j = 0; j < T; j++) {
          for (int i = 0; i < O; i++) line[i] = cols6[i][j];
          output_line_adjoint(line, out);
          for (int i = 0; i < T; i++) wasm_v128_store(at + (long)(i * T + j) * tb * Kp, out[i]);
        }
      }
    }
    // dU_ξ (C × K) += V_ξᵀ (C × tb) · dM_ξ (tb × K).
    for (int xi = 0; xi < XI; xi++)
      gemm_strided(v + (long)xi * tb * C, 1, C, dm + (long)xi * tb * Kp, du + (long)xi * C * K, C, tb, K, K, 0, 0, t0 > 0);
  }
  // dw = Gᵀ dU G per channel pair: filter_line's adjoint along the rows, then the columns.
  for (int c = 0; c < C; c++) {
    for (int kk = 0; kk < K; kk += 4) {
      vf line[T], half[3][T], g[3];
      for (int j = 0; j < T; j++) {
        for (int i = 0; i < T; i++) line[i] = wasm_v128_load(du + ((long)(i * T + j) * C + c) * K + kk);
        filter_line_adjoint(line, g);
        for (int a = 0; a < 3; a++) half[a][j] = g[a];
      }
      for (int a = 0; a < 3; a++) {
        filter_line_adjoint(half[a], g);
        for (int b = 0; b < 3; b++) wasm_v128_store(dw + ((long)(a * 3 + b) * C + c) * K + kk, g[b]);
      }
    }
  }
}

#undef T
#undef O
#undef XI
