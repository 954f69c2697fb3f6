// RUN: emlc-opt %s -split-input-file -verify-diagnostics

// Relu takes exactly one input.
func.func @relu_two_inputs(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'onnx.relu' op expects 1 to 1 operands, got 2}}
  %0 = onnx.relu %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Conv needs at least input and weight.
func.func @conv_one_input(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{'onnx.conv' op expects 2 to 3 operands, got 1}}
  %0 = onnx.conv %x : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

// Add has one result.
func.func @add_two_results(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'onnx.add' op expects 1 results, got 2}}
  %0:2 = onnx.add %x, %x : (tensor<4xf32>, tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
  return %0#0 : tensor<4xf32>
}
