// 1×1 convolution, NHWC float32: the pixels are the rows of one matrix
// product on the matrix kernel (gemm.c) against filters packed by
// pack_panels. Called from pointwise.ts.
#include "gemm.h"
#include "simd.h"

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
