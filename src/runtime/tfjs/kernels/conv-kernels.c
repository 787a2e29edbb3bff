// Our own kernels for tfjs's wasm backend, in WebAssembly SIMD (four float32
// lanes), NHWC, one thread: dense convolutions (Winograd 3×3, 1×1), a 3×3
// depthwise convolution and the layout pass's NCHW ↔ NHWC transpose. Built by
// scripts/build-wasm.sh into conv-kernels-wasm.ts.
//
// Why: tfjs's wasm backend runs convs and matmuls through XNNPACK at ~16
// GFLOP/s here. Two things do better:
//  - a 4×8 register-blocked matrix kernel over filters packed in panels of 8
//    output channels measured 22 GFLOP/s (XNNPACK's 1×1 convs: 8–13 GFLOP/s
//    in the same run), used for 1×1 convs (pointwise) and by Winograd;
//  - Winograd's minimal filtering F(4×4, 3×3) (Lavin & Gray, "Fast Algorithms
//    for Convolutional Neural Networks", 2016) computes a 4×4 output tile from
//    a 6×6 input tile with 36 multiplies per input/output channel pair instead
//    of 144: a 3×3 conv becomes 36 independent matrix products [tiles × C]·[C × K]
//    between input and filter transforms.
//
// Winograd transforms (interpolation points 0, ±1, ±2, ∞), per 1-D line:
//   input   B^T z : rows [4 0 -5 0 1 0] [0 -4 -4 1 1 0] [0 4 -4 -1 1 0]
//                         [0 -2 -1 2 1 0] [0 2 -1 -2 1 0] [0 4 0 -5 0 1]
//   filter  G g   : rows [1/4 0 0] [-1/6 -1/6 -1/6] [-1/6 1/6 -1/6]
//                         [1/24 1/12 1/6] [1/24 -1/12 1/6] [0 0 1]
//   output  A^T m : rows [1 1 1 1 1 0] [0 1 -1 2 -2 0] [0 1 1 4 4 0] [0 1 -1 8 -8 1]
// and in 2-D each applies along one axis, then the other.
//
// The module runs on tfjs's own wasm memory (imported), so it reads inputs
// and writes outputs where tfjs keeps tensors, without copies; every pointer
// is a byte offset tfjs's allocator gave (module.ts). It must have no data
// segments (instantiating would write them over tfjs's heap), and its stack
// pointer is moved into a block from that allocator before any call.
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

// Bias (or none) and activation (0 none, 1 relu, 2 relu6) on one result vector.
static inline vf finish(vf value, const float *bias, int col, int act) {
  if (bias) value = add(value, wasm_v128_load(bias + col));
  if (act >= 1) value = wasm_f32x4_max(value, k(0.f));
  if (act == 2) value = wasm_f32x4_min(value, k(6.f));
  return value;
}

// A (rows × C, row stride C) · B (C × K, packed in panels of 8 columns:
// [ceil(K/8)][C][8], zero past K) → Y (rows × K, row stride ldy), then bias
// and activation. rows is a multiple of 4 and K of 4.
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

// 1×1 convolution: x [pixels][C] · panels → y [pixels][K], bias (or 0) and
// activation fused. Whole blocks of 4 pixels go straight from x to y; the
// last 1–3 pixels go through scratch (4·C + 4·K floats), zero-padded to a
// block, so nothing is read or written past either tensor.
__attribute__((export_name("pointwise")))
void pointwise(const float *x, const float *u, const float *bias, float *y, int pixels, int C, int K, int act, float *scratch) {
  const int whole = pixels / 4 * 4, rest = pixels - whole;
  gemm(x, u, y, whole, C, K, K, bias, act);
  if (rest == 0) return;
  float *a = scratch, *out = scratch + 4 * C;
  for (int i = 0; i < 4 * C; i++) a[i] = i < rest * C ? x[(long)whole * C + i] : 0.f;
  gemm(a, u, out, 4, C, K, K, bias, act);
  for (int i = 0; i < rest * K; i++) y[(long)whole * K + i] = out[i];
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

// ---- 3×3 depthwise convolution (channel multiplier 1) on NHWC float32 data,
// with bias and a clamp (relu / relu6 / none). Channels go 4 at a time
// (f32x4), so C must be a multiple of 4; the caller falls back otherwise.

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

/**
 * in (N, H, W, C), w (3, 3, C) tap-major, bias (C) or 0 for none, out (N, OH, OW, C);
 * strides sh, sw; padT, padL zero rows/columns before the input (the ones
 * after it need no argument: taps past the end are skipped). Outputs are
 * clamped to [lo, hi].
 */
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

// ---- (N, A, B) → (N, B, A) for 32-bit elements: NCHW → NHWC is A = C,
// B = H·W; NHWC → NCHW is A = H·W, B = C. One side must be short (at most
// SHORT: an image's 3 channels, a pooled 1×1 map): the loop runs along the
// long side, which keeps one stream contiguous and the other within a few
// cache lines. (With both sides long, tiles of this loop measured 2–3× slower
// than tfjs's Transpose: the caller leaves those to tfjs.)

#define SHORT 16

__attribute__((export_name("transpose_inner")))
void transpose_inner(const int* in, int* out, int N, int A, int B) {
  for (int n = 0; n < N; n++) {
    const int* src = in + n * A * B;
    int* dst = out + n * A * B;
    if (B <= SHORT) {
      for (int b = 0; b < B; b++) {
        int* row = dst + b * A;
        for (int a = 0; a < A; a++) row[a] = src[a * B + b];
      }
    } else {
      for (int a = 0; a < A; a++) {
        const int* row = src + a * B;
        for (int b = 0; b < B; b++) dst[b * A + a] = row[b];
      }
    }
  }
}

// ---- One direction of an LSTM with ONNX's default activations (sigmoid,
// tanh, tanh), no peepholes, no clip, in inference (recurrent-fused.ts). The
// input projection X·W is done (proj); per step this adds h·R with the matrix
// kernel and runs the gates four hidden units at a time.

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
