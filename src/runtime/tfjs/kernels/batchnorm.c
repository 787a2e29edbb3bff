// BatchNorm while training (batch statistics) and its gradient, channels
// last: x is rows × C. tfjs composes the forward from moments (Mean, Sub,
// Square, Mean) and a batchNorm, and differentiates that through a dozen
// broadcasting kernels (Tile, Multiply, Sum, RealDiv: 70% of a ResNet-8
// training step, measured); here each is two or three passes over x.
#include "simd.h"

// Σ over rows of f(row) per channel, in blocks of 64 rows summed into part (K
// floats), so the rounding error grows with 64 + rows/64 terms, not rows.
// mode 0: Σ a; mode 1: Σ (a − m)²; mode 2: Σ a·(b − m).
static void column_sums(const float *a, const float *b, const float *m, float *sum, float *part, int rows, int K, int mode) {
  for (int j = 0; j < K; j++) sum[j] = 0.f;
  for (int r0 = 0; r0 < rows; r0 += 64) {
    const int r1 = rows < r0 + 64 ? rows : r0 + 64;
    for (int j = 0; j < K; j++) part[j] = 0.f;
    for (int r = r0; r < r1; r++) {
      const float *u = a + (long)r * K, *w = b ? b + (long)r * K : 0;
      int j = 0;
      for (; j + 4 <= K; j += 4) {
        vf v = wasm_v128_load(u + j);
        if (mode == 1) {
          v = sub(v, wasm_v128_load(m + j));
          v = mul(v, v);
        } else if (mode == 2) {
          v = mul(v, sub(wasm_v128_load(w + j), wasm_v128_load(m + j)));
        }
        wasm_v128_store(part + j, add(wasm_v128_load(part + j), v));
      }
      for (; j < K; j++) {
        float v = u[j];
        if (mode == 1) v = (v - m[j]) * (v - m[j]);
        else if (mode == 2) v = v * (w[j] - m[j]);
        part[j] += v;
      }
    }
    for (int j = 0; j < K; j++) sum[j] += part[j];
  }
}

// y = a·x + b per channel (rows × K), a and b K floats each.
static void scale_shift(const float *x, const float *dy, const float *a, const float *b, const float *c, float *y, int rows, int K) {
  for (int r = 0; r < rows; r++) {
    const float *u = x + (long)r * K, *d = dy ? dy + (long)r * K : 0;
    float *o = y + (long)r * K;
    int j = 0;
    for (; j + 4 <= K; j += 4) {
      vf v = add(mul(wasm_v128_load(u + j), wasm_v128_load(a + j)), wasm_v128_load(b + j));
      if (d) v = add(v, mul(wasm_v128_load(d + j), wasm_v128_load(c + j)));
      wasm_v128_store(o + j, v);
    }
    for (; j < K; j++) o[j] = u[j] * a[j] + b[j] + (d ? d[j] * c[j] : 0.f);
  }
}

// Forward: mean and var (biased: Σ(x − mean)² / rows, a second pass, not
// E[x²] − mean²) per channel, then y = (x − mean)/√(var + eps)·scale + bias,
// computed as x·a + b with a = scale/√(var + eps), b = bias − mean·a.
// scratch: 3·K floats.
__attribute__((export_name("batchnorm_train")))
void batchnorm_train(const float *x, const float *scale, const float *bias, float *y, float *mean, float *var, float *scratch, int rows, int K, float eps) {
  float *part = scratch, *a = scratch + K, *b = scratch + 2 * K;
  const float inv = 1.f / (float)rows;
  column_sums(x, 0, 0, mean, part, rows, K, 0);
  for (int j = 0; j < K; j++) mean[j] *= inv;
  column_sums(x, 0, mean, var, part, rows, K, 1);
  for (int j = 0; j < K; j++) {
    var[j] *= inv;
    a[j] = scale[j] / __builtin_sqrtf(var[j] + eps);
    b[j] = bias[j] - mean[j] * a[j];
  }
  scale_shift(x, 0, a, b, 0, y, rows, K);
}

// Gradient from dy, x and the forward's mean and var: dbias = Σ dy,
// dscale = Σ dy·(x − mean)·s with s = 1/√(var + eps), and
//   dx = scale·s·(dy − dbias/rows) − scale·s²·dscale/rows·(x − mean),
// written as dx = A·dy + B·x + D per channel. scratch: 4·K floats.
__attribute__((export_name("batchnorm_train_grad")))
void batchnorm_train_grad(const float *dy, const float *x, const float *scale, const float *mean, const float *var, float *dx, float *dscale, float *dbias, float *scratch, int rows, int K, float eps) {
  float *part = scratch, *A = scratch + K, *B = scratch + 2 * K, *D = scratch + 3 * K;
  const float inv = 1.f / (float)rows;
  column_sums(dy, 0, 0, dbias, part, rows, K, 0);
  column_sums(dy, x, mean, dscale, part, rows, K, 2);
  for (int j = 0; j < K; j++) {
    const float s = 1.f / __builtin_sqrtf(var[j] + eps);
    dscale[j] *= s;
    A[j] = scale[j] * s;
    B[j] = -A[j] * s * dscale[j] * inv;
    D[j] = -A[j] * dbias[j] * inv - B[j] * mean[j];
  }
  scale_shift(x, dy, B, D, A, dx, rows, K);
}
