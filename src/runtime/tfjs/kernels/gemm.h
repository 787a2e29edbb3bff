// The 4×8 register-blocked matrix kernel (gemm.c) that the convolution,
// Winograd, LSTM and dense kernels build on, and the panel layout it reads.
// Static: the module is one translation unit (module.c), so clang may inline it.
#ifndef COMPACTOR_GEMM_H
#define COMPACTOR_GEMM_H

// A (rows × C, row stride C) · B (C × K, packed in panels of 8 columns:
// [ceil(K/8)][C][8], zero past K) → Y (rows × K, row stride ldy), then bias
// (or none: 0) and activation (0 none, 1 relu, 2 relu6). rows is a multiple
// of 4 and K of 4.
static void gemm(const float *a, const float *b, float *y, int rows, int C, int K, int ldy, const float *bias, int act);

// The general form: A(r, i) = a[r·sr + i·si] (a transposed operand is sr = 1,
// si = its row length), B in panels as above, any rows and any K (partial
// blocks are neither read past A's last row nor written past Y's last column).
// accumulate: Y += A·B (then bias and act must be none); else Y = act(A·B + bias).
static void gemm_strided(const float *a, int sr, int si, const float *b, float *y, int rows, int C, int K, int ldy,
                         const float *bias, int act, int accumulate);

// B(i, j) = src[i·si + j·sj] for i < C, j < K → panels [ceil(K/8)][C][8], zero past K.
static void pack_strided(const float *src, int si, int sj, float *u, int C, int K);

// Floats pack_strided writes for a C × K operand.
static inline long panel_floats(int C, int K) { return (long)(K + 7) / 8 * 8 * C; }

#endif
