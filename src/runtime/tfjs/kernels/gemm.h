// The 4×8 register-blocked matrix kernel (gemm.c) that pointwise.c,
// winograd.c and lstm.c build on, and the panel layout it reads. Static: the
// module is one translation unit (module.c), so clang may inline it.
#ifndef COMPACTOR_GEMM_H
#define COMPACTOR_GEMM_H

// A (rows × C, row stride C) · B (C × K, packed in panels of 8 columns:
// [ceil(K/8)][C][8], zero past K) → Y (rows × K, row stride ldy), then bias
// (or none: 0) and activation (0 none, 1 relu, 2 relu6). rows is a multiple
// of 4 and K of 4.
static void gemm(const float *a, const float *b, float *y, int rows, int C, int K, int ldy, const float *bias, int act);

#endif
