// ONNX backend node tests that run on the tfjs runtime (all their ops are in
// the op table) but are known to fail, each with the reason. The conformance
// test fails when a test outside this list fails, and when a test in it
// passes (so the list stays the honest list of known failures).
export const SKIPS: Readonly<Record<string, string>> = Object.freeze({
  // tfjs has no string dtype.
  test_cast_FLOAT_to_STRING: "tfjs has no string tensors",
  test_cast_STRING_to_FLOAT: "tfjs has no string tensors",
  test_castlike_FLOAT_to_STRING: "tfjs has no string tensors",
  test_castlike_FLOAT_to_STRING_expanded: "tfjs has no string tensors",
  test_castlike_STRING_to_FLOAT: "tfjs has no string tensors",
  test_castlike_STRING_to_FLOAT_expanded: "tfjs has no string tensors",

  // The expected outputs were drawn with numpy's random generator; a seeded
  // tfjs mask cannot reproduce them (the ratio-0 and inference tests pass).
  test_training_dropout: "expected mask comes from numpy's RNG",
  test_training_dropout_default: "expected mask comes from numpy's RNG",
  test_training_dropout_default_mask: "expected mask comes from numpy's RNG",
  test_training_dropout_mask: "expected mask comes from numpy's RNG",

  // Pools and ConvTranspose (ops/pool.ts, ops/conv.ts).
  test_averagepool_3d_default: "3-D pooling is not implemented",
  test_maxpool_3d_default: "3-D pooling is not implemented",
  test_maxpool_2d_uint8: "tfjs MaxPool accepts float32 only",
  test_maxpool_with_argmax_2d_precomputed_pads: "MaxPool's Indices output is not implemented",
  test_maxpool_with_argmax_2d_precomputed_strides: "MaxPool's Indices output is not implemented",
  test_convtranspose_3d: "3-D ConvTranspose is not implemented",
  test_convtranspose_dilations: "ConvTranspose with dilations > 1 is not implemented",
  test_convtranspose_autopad_same: "ConvTranspose auto_pad SAME_UPPER puts the extra padding on the wrong side",
  test_convtranspose_output_shape: "ConvTranspose output_shape attribute is ignored",

  // Gemm, Clip, InstanceNormalization (ops/matmul.ts, activation.ts, normalization.ts).
  test_gemm_default_scalar_bias: "a rank-0 C reaches tfjs fused matMul, which wants rank-1 bias",
  test_gemm_default_single_elem_vector_bias: "a one-element C is not broadcast over the output",
  test_clip_default_int8_inbounds: "Clip without bounds on int8 clamps to float limits wrongly",
  test_instancenorm_epsilon: "tfjs batchNorm rejects the per-instance mean/offset ranks",
  test_instancenorm_example: "tfjs batchNorm rejects the per-instance mean/offset ranks",
});
