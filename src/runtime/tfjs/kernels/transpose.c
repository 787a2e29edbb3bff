// (N, A, B) → (N, B, A) for 32-bit elements, the layout pass's NCHW ↔ NHWC
// transposes (transpose.ts): NCHW → NHWC is A = C, B = H·W; NHWC → NCHW is
// A = H·W, B = C. One side must be short (at most SHORT: an image's 3
// channels, a pooled 1×1 map): the loop runs along the long side, which keeps
// one stream contiguous and the other within a few cache lines. (With both
// sides long, tiles of this loop measured 2–3× slower than tfjs's Transpose:
// the caller leaves those to tfjs.)

#define SHORT 16

// in (N, A, B) → out (N, B, A); A or B at most SHORT.
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

#undef SHORT
