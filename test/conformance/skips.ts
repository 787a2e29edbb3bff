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

  // Pools and ConvTranspose (ops/pool.ts, ops/conv.ts): features not implemented.
  test_averagepool_3d_default: "3-D pooling is not implemented",
  test_maxpool_3d_default: "3-D pooling is not implemented",
  test_maxpool_with_argmax_2d_precomputed_pads: "MaxPool's Indices output is not implemented",
  test_maxpool_with_argmax_2d_precomputed_strides: "MaxPool's Indices output is not implemented",
  test_convtranspose_3d: "3-D ConvTranspose is not implemented",


  // ScatterND/ScatterElements implement the "none" and "add" reductions only.
  test_scatternd_multiply: 'ScatterND reduction "mul" is not implemented',
});
