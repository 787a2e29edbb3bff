// Max and average pooling gradients on NHWC float32 data (pool.ts). tfjs
// wasm's MaxPoolGrad loops over every input pixel and every window that may
// hold it (59 ms of a 250 ms LeNet-5 step, measured); here each window adds
// its gradient once, to its arg-max or spread over its taps.
#include "simd.h"

// Max pooling whose windows tile the input without overlap or padding (stride
// = window, every window inside the input; LeNet-5's 2×2 stride 2) and C ≥ 4: every input pixel is
// in at most one window, so each tap of a window is written once — dy at its
// first largest input, 0 elsewhere — with no zeroing pass and no scattered
// adds. Channels go 4 at a time, the last group starting at C − 4 (channels
// written twice get the same values), so C = 6 runs all-vector.
static void max_pool_grad_tiled(const float *x, const float *dy, float *dx, int N, int H, int W, int C, int OH, int OW,
                                int KH, int KW) {
  const v128_t none = wasm_i32x4_splat(0);
  for (int n = 0; n < N; n++) {
    const long image = (long)n * H * W * C;
    for (int oy = 0; oy < OH; oy++)
      for (int ox = 0; ox < OW; ox++) {
        const float *g = dy + (((long)n * OH + oy) * OW + ox) * C;
        const long first = image + ((long)oy * KH * W + ox * KW) * C;
        for (int c0 = 0; c0 < C; c0 += 4) {
          const int c = c0 + 4 <= C ? c0 : C - 4;
          vf best = wasm_v128_load(x + first + c);
          for (int iy = 0; iy < KH; iy++)
            for (int ix = 0; ix < KW; ix++) best = wasm_f32x4_pmax(best, wasm_v128_load(x + first + ((long)iy * W + ix) * C + c));
          const vf grad = wasm_v128_load(g + c);
          v128_t found = none;
          for (int iy = 0; iy < KH; iy++)
            for (int ix = 0; ix < KW; ix++) {
              const long at = first + ((long)iy * W + ix) * C + c;
              const v128_t here = wasm_v128_andnot(wasm_f32x4_eq(wasm_v128_load(x + at), best), found);
              found = wasm_v128_or(found, here);
              wasm_v128_store(dx + at, wasm_v128_and(grad, here));
            }
        }
      }
    // Rows and columns past the last window (H or W not a multiple of the window) get no gradient.
    for (int iy = 0; iy < H; iy++)
      for (int ix = iy < OH * KH ? OW * KW : 0; ix < W; ix++)
        for (int c = 0; c < C; c++) dx[image + ((long)iy * W + ix) * C + c] = 0.f;
  }
}

// dx (N, H, W, C) from dy (N, OH, OW, C) for a KH×KW window at strides sh,
// sw, with pt, pl rows and columns of padding before the input (taps outside
// it are skipped). Max: each window's gradient goes to its first largest
// input, as tfjs's and PyTorch's; x the pooled input. Average: each tap gets
// dy·scale (tfjs: 1 / (KH·KW)); x unused (may be 0).
__attribute__((export_name("pool_grad")))
void pool_grad(const float *x, const float *dy, float *dx, int max, float scale, int N, int H, int W, int C, int OH, int OW,
               int KH, int KW, int sh, int sw, int pt, int pl) {
  if (max && sh == KH && sw == KW && pt == 0 && pl == 0 && OH * KH <= H && OW * KW <= W && C >= 4) {
    max_pool_grad_tiled(x, dy, dx, N, H, W, C, OH, OW, KH, KW);
    return;
  }
  for (long i = 0; i < (long)N * H * W * C; i++) dx[i] = 0.f;
  const vf s = k(scale);
  for (int n = 0; n < N; n++)
    for (int oy = 0; oy < OH; oy++)
      for (int ox = 0; ox < OW; ox++) {
        const float *g = dy + (((long)n * OH + oy) * OW + ox) * C;
        const int y0 = oy * sh - pt, x0 = ox * sw - pl;
        const int ya = y0 < 0 ? 0 : y0, yb = y0 + KH > H ? H : y0 + KH;
        const int xa = x0 < 0 ? 0 : x0, xb = x0 + KW > W ? W : x0 + KW;
        if (ya >= yb || xa >= xb) continue;
        const long image = (long)n * H * W * C;
        if (!max) {
          for (int iy = ya; iy < yb; iy++)
            for (int ix = xa; ix < xb; ix++) {
              float *d = dx + image + ((long)iy * W + ix) * C;
              int c = 0;
              for (; c + 4 <= C; c += 4) wasm_v128_store(d + c, add(wasm_v128_load(d + c), mul(wasm_v128_load(g + c), s)));
              for (; c < C; c++) d[c] += g[c] * scale;
            }
          continue;
        }
        const long first = image + ((long)ya * W + xa) * C;
        int c = 0;
        for (; c + 4 <= C; c += 4) {
          vf best = wasm_v128_load(x + first + c);
          v128_t at = wasm_i32x4_splat((int)first);
          for (int iy = ya; iy < yb; iy++)
            for (int ix = xa; ix < xb; ix++) {
              const long offset = image + ((long)iy * W + ix) * C;
              const vf v = wasm_v128_load(x + offset + c);
              const v128_t larger = wasm_f32x4_gt(v, best);
              best = wasm_v128_bitselect(v, best, larger);
              at = wasm_v128_bitselect(wasm_i32x4_splat((int)offset), at, larger);
            }
          dx[wasm_i32x4_extract_lane(at, 0) + c] += g[c];
          dx[wasm_i32x4_extract_lane(at, 1) + c + 1] += g[c + 1];
          dx[wasm_i32x4_extract_lane(at, 2) + c + 2] += g[c + 2];
          dx[wasm_i32x4_extract_lane(at, 3) + c + 3] += g[c + 3];
        }
        for (; c < C; c++) {
          float best = x[first + c];
          long at = first;
          for (int iy = ya; iy < yb; iy++)
            for (int ix = xa; ix < xb; ix++) {
              const long offset = image + ((long)iy * W + ix) * C;
              if (x[offset + c] > best) {
                best = x[offset + c];
                at = offset;
              }
            }
          dx[at + c] += g[c];
        }
      }
}
