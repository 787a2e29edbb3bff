// Winograd F(4×4, 3×3) convolution for 3×3, stride-1, dilation-1, ungrouped
// convs, NHWC, float32, WebAssembly SIMD (four channels per lane group).
//
// Why: tfjs's wasm backend runs convolutions through XNNPACK at ~16 GFLOP/s
// on one thread, near what 128-bit SIMD without FMA allows, so the only way to
// a faster 3×3 conv is fewer multiplications. Winograd's minimal filtering
// (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2016)
// computes a 4×4 output tile from a 6×6 input tile with 36 multiplies per
// input/output channel pair instead of 144: the conv becomes 36 independent
// matrix products [tiles × C]·[C × K] between input and filter transforms.
//
// Transforms (interpolation points 0, ±1, ±2, ∞), per 1-D line:
//   input   B^T z : rows [4 0 -5 0 1 0] [0 -4 -4 1 1 0] [0 4 -4 -1 1 0]
//                         [0 -2 -1 2 1 0] [0 2 -1 -2 1 0] [0 4 0 -5 0 1]
//   filter  G g   : rows [1/4 0 0] [-1/6 -1/6 -1/6] [-1/6 1/6 -1/6]
//                         [1/24 1/12 1/6] [1/24 -1/12 1/6] [0 0 1]
//   output  A^T m : rows [1 1 1 1 1 0] [0 1 -1 2 -2 0] [0 1 1 4 4 0] [0 1 -1 8 -8 1]
// and in 2-D each applies along one axis, then the other.
//
// Memory belongs to the caller (imported); every pointer is a byte offset the
// JS side allocated (winograd/memory.ts). Built by scripts/build-wasm.sh.
#include <wasm_simd128.h>

typedef v128_t vf;

#define T 6   // input tile side
#define O 4   // output tile side
#define XI 36 // transform points per tile

static inline vf add(vf a, vf b) { return wasm_f32x4_add(a, b); }
static inline vf sub(vf a, vf b) { return wasm_f32x4_sub(a, b); }
static inline vf mul(vf a, vf b) { return wasm_f32x4_mul(a, b); }
static inline vf k(float c) { return wasm_f32x4_splat(c); }

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

// Filter HWIO [3][3][C][K] → U [36][Kp/8][C][8] (K padded with zeros to Kp,
// a multiple of 8, and packed in panels of 8 output channels so the matrix
// product reads each panel sequentially). C and K are multiples of 4.
__attribute__((export_name("filter_transform")))
void filter_transform(const float *g, float *u, int C, int K, int Kp) {
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

// V (rows × C) · U panel-packed (C × Kp) → M (rows × Kp); rows a multiple of 4.
// Four rows by eight columns of accumulators: 8 registers, plus two for the
// filter panel and one for the broadcast input value. Six rows (12
// accumulators) measured 25% slower: V8 then spills SIMD registers.
static void multiply(const float *v, const float *u, float *m, int rows, int C, int Kp) {
  for (int p = 0; p < Kp / 8; p++) {
    const float *panel = u + (long)p * C * 8;
    for (int r = 0; r < rows; r += 4) {
      const float *a = v + (long)r * C;
      vf c00 = k(0), c01 = k(0), c10 = k(0), c11 = k(0), c20 = k(0), c21 = k(0), c30 = k(0), c31 = k(0);
      for (int i = 0; i < C; i++) {
        const vf b0 = wasm_v128_load(panel + i * 8), b1 = wasm_v128_load(panel + i * 8 + 4);
        vf x;
        x = wasm_v128_load32_splat(a + i);         c00 = add(c00, mul(x, b0)); c01 = add(c01, mul(x, b1));
        x = wasm_v128_load32_splat(a + C + i);     c10 = add(c10, mul(x, b0)); c11 = add(c11, mul(x, b1));
        x = wasm_v128_load32_splat(a + 2 * C + i); c20 = add(c20, mul(x, b0)); c21 = add(c21, mul(x, b1));
        x = wasm_v128_load32_splat(a + 3 * C + i); c30 = add(c30, mul(x, b0)); c31 = add(c31, mul(x, b1));
      }
      float *out = m + (long)r * Kp + p * 8;
      wasm_v128_store(out, c00);          wasm_v128_store(out + 4, c01);
      wasm_v128_store(out + Kp, c10);     wasm_v128_store(out + Kp + 4, c11);
      wasm_v128_store(out + 2 * Kp, c20); wasm_v128_store(out + 2 * Kp + 4, c21);
      wasm_v128_store(out + 3 * Kp, c30); wasm_v128_store(out + 3 * Kp + 4, c31);
    }
  }
}

// The convolution. xp is the input already zero-padded by the caller to
// [N][Hp][Wp][C] with Hp ≥ 4·tilesH + 2 and Wp ≥ 4·tilesW + 2, so no tile
// read needs a bounds check. y is [N][OH][OW][K]. v and m are scratch:
// 36·tb·C and 36·tb·Kp floats; tb (tiles per block) is a multiple of 4.
// bias may be 0 (none); act: 0 none, 1 relu, 2 relu6.
__attribute__((export_name("conv")))
void conv(const float *xp, const float *u, const float *bias, float *y, float *v, float *m,
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
      multiply(v + (long)xi * tb * C, u + (long)xi * Kp * C, m + (long)xi * tb * Kp, rows, C, Kp);
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
