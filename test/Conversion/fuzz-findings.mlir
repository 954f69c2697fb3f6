// RUN: emlc-opt %s -split-input-file -emlc-convert-onnx-to-nn -verify-diagnostics

// Ops emlc-fuzz (tools/emlc-fuzz) found the ONNX->nn lowering reading out of
// bounds or reinterpreting types on; each is now an error naming the rule, from
// the op's own shape inference (the import's validation), so the lowering (which
// checks again) never sees it.
// The models: test/fuzz/regressions/{dequantize-float-input,convtranspose-short-strides}.onnx.

// DequantizeLinear's input is an integer tensor: a float one was taken as an
// integer storage type of garbage width (UBSan: shift exponent out of range).
func.func @dequantize_float(%x: tensor<4xf32>) -> tensor<4xf32> {
  %s = arith.constant dense<5.000000e-01> : tensor<f32>
  %z = arith.constant dense<0> : tensor<i8>
  // expected-error @+2 {{X must be an 8-, 16- or 32-bit integer tensor, got f32}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = onnx.dequantize_linear %x, %s, %z : (tensor<4xf32>, tensor<f32>, tensor<i8>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// ConvTranspose with one stride for two spatial dims: the second was read past
// the attribute's end (ASan: heap-buffer-overflow).
func.func @conv_transpose_short_strides(%x: tensor<1x1x3x3xf32>, %w: tensor<1x2x3x3xf32>) -> tensor<1x2x9x3xf32> {
  // expected-error @+2 {{strides/dilations/output_padding/pads do not match the spatial rank}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = onnx.conv_transpose %x, %w {strides = array<i64: 3>} : (tensor<1x1x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x9x3xf32>
  return %0 : tensor<1x2x9x3xf32>
}
