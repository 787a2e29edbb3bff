// Matrix products for dense layers and their gradients (matmul.ts): Y = A·B
// with either operand read transposed in place, on the matrix kernel
// (gemm.c). tfjs wasm's BatchMatMul runs a transposed operand 10–20× slower
// than a plain one, and every dense gradient has one (dX = dY·Wᵀ, dW = Xᵀ·dY).
#include "gemm.h"

// y (rows × cols, row stride cols) = A·B, A(r, i) = a[r·sar + i·sai],
// B(i, j) = b[i·sbi + j·sbj], inner the shared dimension; then bias (cols
// floats, or 0) and act (0 none, 1 relu, 2 relu6), or added to y
// (accumulate: bias 0, act 0). panels: panel_floats(inner, cols) floats of
// scratch for B packed.
__attribute__((export_name("matmul")))
void matmul(const float *a, int sar, int sai, const float *b, int sbi, int sbj, float *y, int rows, int inner, int cols,
            const float *bias, int act, int accumulate, float *panels) {
  pack_strided(b, sbi, sbj, panels, inner, cols);
  gemm_strided(a, sar, sai, panels, y, rows, inner, cols, cols, bias, act, accumulate);
}
