// What every C file of our wasm module shares: four float32 lanes as `vf` and
// short names for the lane operations the kernels are written in.
//
// The module (built by scripts/build-wasm.mjs from every .c file here) runs on
// a memory it imports: tfjs's own wasm heap for the inference kernels, so they
// read inputs and write outputs where tfjs keeps tensors, without copies, and
// the optimizer's own memory for Adam (module.ts, adam.ts). Every pointer is a
// byte offset in that memory. The module must have no data segments
// (instantiating would write them over tfjs's heap) and its stack pointer is
// moved into a block of that memory before any call. No -ffast-math: float
// operations run in the order written, so results do not depend on clang's
// choices.
#ifndef COMPACTOR_SIMD_H
#define COMPACTOR_SIMD_H
#include <wasm_simd128.h>

typedef v128_t vf;

static inline vf add(vf a, vf b) { return wasm_f32x4_add(a, b); }
static inline vf sub(vf a, vf b) { return wasm_f32x4_sub(a, b); }
static inline vf mul(vf a, vf b) { return wasm_f32x4_mul(a, b); }
static inline vf k(float c) { return wasm_f32x4_splat(c); }

#endif
