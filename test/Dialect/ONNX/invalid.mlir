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

// -----

// Attributes have the kind the ONNX schema gives them.
func.func @group_not_int(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{'onnx.conv' op attribute 'group' failed to satisfy constraint: 64-bit integer attribute}}
  %0 = onnx.conv %x, %w {group = 1.0 : f32} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

// Required attributes must be there.
func.func @concat_without_axis(%x: tensor<2xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'onnx.concat' op requires attribute 'axis'}}
  %0 = onnx.concat %x, %x : (tensor<2xf32>, tensor<2xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Result types are the inferred ones.
func.func @wrong_result_shape(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{'onnx.transpose' op inferred type(s) 'tensor<3x2xf32>' are incompatible with return type(s) of operation 'tensor<2x3xf32>'}}
  // expected-error @+1 {{'onnx.transpose' op failed to infer returned types}}
  %0 = onnx.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// What shape inference needs constant must be constant; the error says what.
func.func @reshape_runtime_target(%x: tensor<2x3xf32>, %shape: tensor<1xi64>) -> tensor<6xf32> {
  // expected-error @+3 {{the target shape is computed at run time; emlc needs it constant}}
  // expected-note @+2 {{a graph input can be fixed at compile time with --input-value NAME=FILE.pb}}
  // expected-error @+1 {{'onnx.reshape' op failed to infer returned types}}
  %0 = onnx.reshape %x, %shape : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----

// Inference errors name the inputs at fault.
func.func @add_no_broadcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{inputs 0 and 1 do not broadcast}}
  // expected-error @+1 {{'onnx.add' op failed to infer returned types}}
  %0 = onnx.add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
