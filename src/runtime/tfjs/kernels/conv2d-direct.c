// Direct (not im2col) stride-1 2-D convolution and its filter gradient for
// convs with few input channels: an image's first conv (1 grey or 3 colour
// channels). conv2d-direct.ts decides where it applies; the others take the
// im2col kernels of conv2d.c.
//
// Why: im2col gives these convs patch rows of KW·C floats (5 for LeNet-5's
// first conv) and K output columns that fill the matrix kernel's 8-wide
// panels by 6/8; measured, its forward ran at 2.5 GFLOP/s and its filter
// gradient at 1.5, against 8–9 for LeNet-5's second conv. Here the SIMD lanes
// run along an output row instead: four adjacent output pixels of one
// channel, read as one load from a zero-padded planar copy of the image, so
// every lane does useful work whatever C and K are and no bounds are checked.
//
// Layouts: x (N, H, W, C) and y (N, OH, OW, K) NHWC as tfjs keeps them, the
// filter HWIO (KH, KW, C, K). Each image is copied into `planes`: C planes of
// PH × PW floats, zero outside the image (pads pt, pl before it), PW wide
// enough for the last block's loads: the forward reads up to round_up(OW, 8)
// + KW − 1 columns, the filter gradient round_up(OW, 4) + round_up(KW, 5) − 1.
// conv2d-direct.ts sizes PW and the scratch; these functions trust them.
#include "simd.h"

// Output channels per block of the forward (× 8 pixels: 12 accumulators, what
// V8 keeps in registers), input channels per plane.
#define FORWARD_K 6
// The filter gradient's blocks: KB output channels × XB kernel columns, 10 or
// 12 accumulators. Windows up to 3 wide take 4 × 3 (a 5-column block would
// compute two columns for nothing); wider ones 2 × 5. dz's planes are padded
// to a multiple of GRAD_K_ROUND channels, zeros, for either.
#define GRAD_K_ROUND 4

static inline int round_up(int v, int m) { return (v + m - 1) / m * m; }

// Image n of x into planes (C × PH × PW), zeros around it.
static void fill_planes(const float *x, float *planes, int n, int H, int W, int C, int PH, int PW, int pt, int pl) {
  const long plane = (long)PH * PW;
  for (long i = 0; i < plane * C; i += 4) wasm_v128_store(planes + i, k(0));
  const float *image = x + (long)n * H * W * C;
  for (int iy = 0; iy < H; iy++) {
    if (iy + pt < 0 || iy + pt >= PH) continue;
    for (int ix = 0; ix < W; ix++) {
      if (ix + pl < 0 || ix + pl >= PW) continue;
      const float *from = image + ((long)iy * W + ix) * C;
      float *to = planes + (long)(iy + pt) * PW + ix + pl;
      for (int c = 0; c < C; c++) to[c * plane] = from[c];
    }
  }
}

// y = act(conv(x, filter) + bias), stride 1, dilation 1: bias K floats or 0,
// act 0 none, 1 relu, 2 relu6; scratch: round_up(K, 6) · KH · KW · C · 4
// floats for the splatted filter, then round_up(C · PH · PW, 4) for the planes.
__attribute__((export_name("conv2d_direct")))
void conv2d_direct(const float *x, const float *filter, const float *bias, float *y, float *scratch, int act, int PW,
                   int N, int H, int W, int C, int OH, int OW, int K, int KH, int KW, int pt, int pl) {
  const int PH = OH + KH - 1, KP = round_up(K, FORWARD_K), taps = KH * KW * C;
  // splat[(tap · KP + k) · 4 …]: weight (tap, k) in all four lanes, tap = (c · KH + ky) · KW + kx; zero past K.
  float *splat = scratch, *planes = scratch + KP * taps * 4;
  for (int c = 0; c < C; c++)
    for (int ky = 0; ky < KH; ky++)
      for (int kx = 0; kx < KW; kx++)
        for (int kk = 0; kk < KP; kk++) {
          const float w = kk < K ? filter[((ky * KW + kx) * C + c) * K + kk] : 0.f;
          wasm_v128_store(splat + (((c * KH + ky) * KW + kx) * KP + kk) * 4, k(w));
        }
  const vf lo = k(act ? 0.f : -__builtin_inff()), hi = k(act == 2 ? 6.f : __builtin_inff());
  const long plane = (long)PH * PW;
  float out[FORWARD_K][8] __attribute__((aligned(16)));
  for (int n = 0; n < N; n++) {
    fill_planes(x, planes, n, H, W, C, PH, PW, pt, pl);
    for (int oy = 0; oy < OH; oy++) {
      for (int ox0 = 0; ox0 < OW; ox0 += 8) {
        const int pixels = OW - ox0 < 8 ? OW - ox0 : 8;
        float *row = y + (((long)n * OH + oy) * OW + ox0) * K;
        for (int k0 = 0; k0 < K; k0 += FORWARD_K) {
          vf acc[FORWARD_K][2];
          for (int j = 0; j < FORWARD_K; j++) acc[j][0] = acc[j][1] = k(bias && k0 + j < K ? bias[k0 + j] : 0.f);
          const float *w = splat + k0 * 4;
          for (int c = 0; c < C; c++)
            for (int ky = 0; ky < KH; ky++) {
              const float *in = planes + c * plane + (long)(oy + ky) * PW + ox0;
              for (int kx = 0; kx < KW; kx++, w += KP * 4) {
                const vf a = wasm_v128_load(in + kx), b = wasm_v128_load(in + kx + 4);
                for (int j = 0; j < FORWARD_K; j++) {
                  const vf wj = wasm_v128_load(w + j * 4);
                  acc[j][0] = add(acc[j][0], mul(a, wj));
                  acc[j][1] = add(acc[j][1], mul(b, wj));
                }
              }
            }
          for (int j = 0; j < FORWARD_K; j++) {
            wasm_v128_store(out[j], wasm_f32x4_pmin(wasm_f32x4_pmax(acc[j][0], lo), hi));
            wasm_v128_store(out[j] + 4, wasm_f32x4_pmin(wasm_f32x4_pmax(acc[j][1], lo), hi));
          }
          const int ks = K - k0 < FORWARD_K ? K - k0 : FORWARD_K;
          for (int p = 0; p < pixels; p++)
            for (int j = 0; j < ks; j++) row[(long)p * K + k0 + j] = out[j][p];
        }
      }
    }
  }
}

// One block of the filter gradient over one image: for input channel c,
// window row ky, output channels k0 … k0+KB−1 and window columns kx0 …
// kx0+XB−1, Σ over the image's output pixels of x · dz, added into dw.
#define GRAD_BLOCK(NAME, KB, XB)                                                                                    \
  static void NAME(const float *plane, const float *grads, long gplane, float *dw, int PW, int OH, int OW4, int C,  \
                   int K, int KW, int c, int ky, int k0, int kx0) {                                                  \
    vf acc[KB][XB];                                                                                                  \
    for (int j = 0; j < KB; j++)                                                                                     \
      for (int i = 0; i < XB; i++) acc[j][i] = k(0);                                                                 \
    for (int oy = 0; oy < OH; oy++) {                                                                                \
      const float *in = plane + (long)(oy + ky) * PW + kx0;                                                          \
      const float *g = grads + k0 * gplane + (long)oy * OW4;                                                         \
      for (int ox = 0; ox < OW4; ox += 4) {                                                                          \
        vf d[KB];                                                                                                    \
        for (int j = 0; j < KB; j++) d[j] = wasm_v128_load(g + j * gplane + ox);                                     \
        for (int i = 0; i < XB; i++) {                                                                               \
          const vf a = wasm_v128_load(in + ox + i);                                                                  \
          for (int j = 0; j < KB; j++) acc[j][i] = add(acc[j][i], mul(a, d[j]));                                     \
        }                                                                                                            \
      }                                                                                                              \
    }                                                                                                                \
    for (int j = 0; j < KB && k0 + j < K; j++)                                                                       \
      for (int i = 0; i < XB && kx0 + i < KW; i++) {                                                                 \
        const vf s = acc[j][i];                                                                                      \
        dw[((ky * KW + kx0 + i) * C + c) * K + k0 + j] +=                                                           \
            (wasm_f32x4_extract_lane(s, 0) + wasm_f32x4_extract_lane(s, 1)) +                                        \
            (wasm_f32x4_extract_lane(s, 2) + wasm_f32x4_extract_lane(s, 3));                                         \
      }                                                                                                              \
  }
GRAD_BLOCK(grad_block_2x5, 2, 5)
GRAD_BLOCK(grad_block_4x3, 4, 3)
#undef GRAD_BLOCK

// dw (KH, KW, C, K) = Σ over images and output pixels of x under the window
// times dz (N, OH, OW, K): conv2d_direct's filter gradient. Lanes run along
// output rows; dz's padding columns are zero, so what the lanes read past
// the row adds nothing. scratch: round_up(C · PH · PW, 4) floats for the
// planes, then round_up(K, 4) · OH · round_up(OW, 4) for dz's planes.
__attribute__((export_name("conv2d_direct_backprop_filter")))
void conv2d_direct_backprop_filter(const float *x, const float *dz, float *dw, float *scratch, int PW,
                                   int N, int H, int W, int C, int OH, int OW, int K, int KH, int KW, int pt, int pl) {
  const int PH = OH + KH - 1, OW4 = round_up(OW, 4), KP = round_up(K, GRAD_K_ROUND);
  float *planes = scratch, *grads = scratch + round_up(C * PH * PW, 4);
  const long plane = (long)PH * PW, gplane = (long)OH * OW4;
  const int narrow = KW <= 3, KB = narrow ? 4 : 2, XB = narrow ? 3 : 5;
  for (long i = 0; i < (long)KH * KW * C * K; i++) dw[i] = 0.f;
  for (long i = 0; i < gplane * KP; i += 4) wasm_v128_store(grads + i, k(0));
  for (int n = 0; n < N; n++) {
    fill_planes(x, planes, n, H, W, C, PH, PW, pt, pl);
    const float *dzn = dz + (long)n * OH * OW * K;
    for (int oy = 0; oy < OH; oy++)
      for (int ox = 0; ox < OW; ox++)
        for (int kk = 0; kk < K; kk++) grads[kk * gplane + (long)oy * OW4 + ox] = dzn[((long)oy * OW + ox) * K + kk];
    for (int c = 0; c < C; c++)
      for (int ky = 0; ky < KH; ky++)
        for (int k0 = 0; k0 < K; k0 += KB)
          for (int kx0 = 0; kx0 < KW; kx0 += XB) {
            if (narrow) grad_block_4x3(planes + c * plane, grads, gplane, dw, PW, OH, OW4, C, K, KW, c, ky, k0, kx0);
            else grad_block_2x5(planes + c * plane, grads, gplane, dw, PW, OH, OW4, C, K, KW, c, ky, k0, kx0);
          }
  }
}
