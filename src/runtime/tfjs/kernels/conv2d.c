// Dense 2-D convolution on NHWC float32 data and both its gradients
// (conv2d.ts), any kernel size, stride and padding, dilation 1: im2col by
// blocks of output pixels (a block of the patch matrix stays in cache) on the
// matrix kernel (gemm.c). The patch matrix's row for output pixel (n, oy, ox)
// holds the input under its window in (ky, kx, c) order, which is the HWIO
// filter's row order, so the filter is the product's right operand as it is.
//
// Why not tfjs's: wasm's Conv2DBackpropInput is a scalar loop (181 ms of a
// 250 ms LeNet-5 step, measured), its Conv2DBackpropFilter did not exist, and
// a fused conv's gradient computes the input gradient even for the first
// layer, whose input is data.
#include "gemm.h"
#include "simd.h"

// One conv's geometry: x (N, H, W, C), filter (KH, KW, C, K), y (N, OH, OW,
// K), strides sh, sw, pads before the input pt, pl (those after follow from OH, OW).
typedef struct {
  int N, H, W, C, OH, OW, K, KH, KW, sh, sw, pt, pl;
} geometry;

static inline void copy_floats(float *to, const float *from, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(to + i, wasm_v128_load(from + i));
  for (; i < n; i++) to[i] = from[i];
}

static inline void add_floats(float *to, const float *from, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(to + i, add(wasm_v128_load(to + i), wasm_v128_load(from + i)));
  for (; i < n; i++) to[i] += from[i];
}

static inline void zero_floats(float *to, long n) {
  long i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(to + i, k(0));
  for (; i < n; i++) to[i] = 0.f;
}

// A 1×1 stride-1 unpadded conv's patch matrix is x itself.
static inline int is_pointwise(const geometry *g) {
  return g->KH == 1 && g->KW == 1 && g->sh == 1 && g->sw == 1 && g->pt == 0 && g->pl == 0;
}

// Between a block of the patch matrix (rows p0 … p0+count−1) and x: gather
// (scatter = 0: rows ← x, zeros outside x) or scatter-add (scatter = 1: x +=
// rows, what falls outside dropped). Within a window row the kx taps of an
// NHWC image are contiguous, so a window row inside x is one run of KW·C floats.
static void patches(const geometry *g, float *x, float *rows, long p0, int count, int scatter) {
  const int run = g->KW * g->C, inner = g->KH * run;
  for (int r = 0; r < count; r++) {
    const long p = p0 + r;
    const int n = (int)(p / ((long)g->OH * g->OW)), rest = (int)(p % ((long)g->OH * g->OW));
    const int oy = rest / g->OW, ox = rest % g->OW;
    const int ix0 = ox * g->sw - g->pl;
    float *row = rows + (long)r * inner;
    for (int ky = 0; ky < g->KH; ky++) {
      const int iy = oy * g->sh - g->pt + ky;
      float *seg = row + ky * run;
      if (iy < 0 || iy >= g->H) {
        if (!scatter) zero_floats(seg, run);
        continue;
      }
      float *line = x + ((long)n * g->H + iy) * g->W * g->C;
      if (ix0 >= 0 && ix0 + g->KW <= g->W) {
        if (scatter) add_floats(line + (long)ix0 * g->C, seg, run);
        else copy_floats(seg, line + (long)ix0 * g->C, run);
        continue;
      }
      for (int kx = 0; kx < g->KW; kx++) {
        const int ix = ix0 + kx;
        float *tap = seg + kx * g->C;
        if (ix < 0 || ix >= g->W) {
          if (!scatter) zero_floats(tap, g->C);
        } else if (scatter) {
          add_floats(line + (long)ix * g->C, tap, g->C);
        } else {
          copy_floats(tap, line + (long)ix * g->C, g->C);
        }
      }
    }
  }
}

#define GEOMETRY {N, H, W, C, OH, OW, K, KH, KW, sh, sw, pt, pl}

// y = act(conv(x, filter) + bias): panels the HWIO filter packed as a
// (KH·KW·C) × K matrix (pack_panels), bias K floats or 0, act 0 none, 1
// relu, 2 relu6. cols: block × KH·KW·C floats of scratch (unused, may be 0,
// for a 1×1 stride-1 unpadded conv); block: output pixels per block, a multiple of 4.
__attribute__((export_name("conv2d")))
void conv2d(const float *x, const float *panels, const float *bias, float *y, float *cols, int block, int act,
            int N, int H, int W, int C, int OH, int OW, int K, int KH, int KW, int sh, int sw, int pt, int pl) {
  const geometry g = GEOMETRY;
  const long pixels = (long)N * OH * OW;
  const int inner = KH * KW * C;
  for (long p0 = 0; p0 < pixels; p0 += block) {
    const int count = pixels - p0 < block ? (int)(pixels - p0) : block;
    const float *a = x + p0 * C;
    if (!is_pointwise(&g)) {
      patches(&g, (float *)x, cols, p0, count, 0);
      a = cols;
    }
    gemm_strided(a, inner, 1, panels, y + p0 * K, count, inner, K, K, bias, act, 0);
  }
}

// dx = the input gradient of conv2d for output gradient dz (N, OH, OW, K):
// each block's rows of dz·Wᵀ (patch-matrix gradients) added back where the
// patches came from. panels: Wᵀ packed as a K × (KH·KW·C) matrix
// (pack_panels_transposed); cols as conv2d's.
__attribute__((export_name("conv2d_backprop_input")))
void conv2d_backprop_input(const float *dz, const float *panels, float *dx, float *cols, int block,
                           int N, int H, int W, int C, int OH, int OW, int K, int KH, int KW, int sh, int sw, int pt, int pl) {
  const geometry g = GEOMETRY;
  const long pixels = (long)N * OH * OW;
  const int inner = KH * KW * C;
  if (is_pointwise(&g)) {
    gemm_strided(dz, K, 1, panels, dx, (int)pixels, K, C, C, 0, 0, 0);
    return;
  }
  zero_floats(dx, (long)N * H * W * C);
  for (long p0 = 0; p0 < pixels; p0 += block) {
    const int count = pixels - p0 < block ? (int)(pixels - p0) : block;
    gemm_strided(dz + p0 * K, K, 1, panels, cols, count, K, inner, inner, 0, 0, 0);
    patches(&g, dx, cols, p0, count, 1);
  }
}

// dw (KH, KW, C, K) = the filter gradient of conv2d: Σ over blocks of
// (patch block)ᵀ · (dz block). cols as conv2d's; panels: panel_floats(block,
// K) floats of scratch for each dz block packed.
__attribute__((export_name("conv2d_backprop_filter")))
void conv2d_backprop_filter(const float *x, const float *dz, float *dw, float *cols, float *panels, int block,
                            int N, int H, int W, int C, int OH, int OW, int K, int KH, int KW, int sh, int sw, int pt, int pl) {
  const geometry g = GEOMETRY;
  const long pixels = (long)N * OH * OW;
  const int inner = KH * KW * C;
  if (pixels == 0) zero_floats(dw, (long)inner * K);
  for (long p0 = 0; p0 < pixels; p0 += block) {
    const int count = pixels - p0 < block ? (int)(pixels - p0) : block;
    const float *a = x + p0 * C;
    if (!is_pointwise(&g)) {
      patches(&g, (float *)x, cols, p0, count, 0);
      a = cols;
    }
    pack_strided(dz + p0 * K, K, 1, panels, count, K);
    gemm_strided(a, 1, inner, panels, dw, inner, count, K, K, 0, 0, p0 > 0);
  }
}

// Wᵀ of a (rows × cols) row-major matrix packed for the matrix kernel: the
// panels of the cols × rows matrix (conv2d_backprop_input's right operand).
__attribute__((export_name("pack_panels_transposed")))
void pack_panels_transposed(const float *w, float *u, int rows, int cols) {
  pack_strided(w, 1, cols, u, cols, rows);
}

#undef GEOMETRY
