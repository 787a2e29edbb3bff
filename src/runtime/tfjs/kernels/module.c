// Our wasm module: every kernel's C file, compiled as one translation unit by
// scripts/build-wasm.mjs into module-binary.ts (the binary) and
// module-exports.ts (a typed wrapper per exported function, read from the
// prototypes in the files below). module.ts instantiates it.
//
// One unit, not one object file per kernel linked together: the matrix kernel
// (gemm.c) is static, so clang inlines it where that pays (winograd_conv) and
// keeps one copy for the other callers, as it did when the kernels were one
// file; the module's functions are the same instructions as then. Add a
// kernel by writing its .c file (an export_name'd void function taking int,
// float and pointer parameters) and adding its line here; the build refuses
// a .c file in this folder that is not listed.
#include "gemm.c"      // the 4×8 matrix kernel; pack_panels
#include "winograd.c"  // Winograd 3×3: winograd_filter, winograd_conv, winograd_filter_grad
#include "pointwise.c" // 1×1 convolution: pointwise
#include "depthwise.c" // 3×3 depthwise convolution: dwconv3x3
#include "transpose.c" // NCHW ↔ NHWC: transpose_inner
#include "lstm.c"      // one LSTM direction: lstm_direction
#include "adam.c"      // the Adam/AdamW update: adam
#include "matmul.c"    // dense products, either operand transposed: matmul
#include "conv2d.c"    // im2col convolution and its gradients: conv2d, conv2d_backprop_input, conv2d_backprop_filter
#include "conv2d-direct.c" // direct stride-1 convolution for few input channels and its filter gradient: conv2d_direct, conv2d_direct_backprop_filter
#include "bias-act.c"  // fused bias + activation gradient: bias_act_grad
#include "pool.c"      // max / average pooling gradient: pool_grad
#include "batchnorm.c" // BatchNorm with batch statistics and its gradient: batchnorm_train, batchnorm_train_grad
