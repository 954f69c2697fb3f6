// RUN: emlc-opt %s -split-input-file -verify-diagnostics

// Relu takes exactly one input.
func.func @relu_two_inputs(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'onnx.relu' op takes 1 input, got 2}}
  %0 = onnx.relu %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Conv needs at least input and weight.
func.func @conv_one_input(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{'onnx.conv' op takes 2 to 3 inputs, got 1}}
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

// -----

// A required input may not be an absent optional one (issue 19: this crashed shape inference).
func.func @gather_absent_indices(%x: tensor<4xf32>) -> tensor<1xf32> {
  %n = onnx.none : none
  // expected-error @+1 {{'onnx.gather' op input 1 is required, but it is absent}}
  %0 = onnx.gather %x, %n : (tensor<4xf32>, none) -> tensor<1xf32>
  return %0 : tensor<1xf32>
}

// -----

// Attribute ranges are the op's contract, checked by its inference (and so by the verifier).
func.func @softmax_axis_out_of_range(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error @+2 {{axis 5 is out of range for an input of rank 2 (valid: -2 to 1)}}
  // expected-error @+1 {{'onnx.softmax' op failed to infer returned types}}
  %0 = onnx.softmax %x {axis = 5} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

func.func @conv_stride_zero(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+2 {{strides must be between 1 and 2^30 (got 0)}}
  // expected-error @+1 {{'onnx.conv' op failed to infer returned types}}
  %0 = onnx.conv %x, %w {strides = array<i64: 0, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @conv_negative_pads(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+2 {{pads must be >= 0 and at most 2^30 (got -1)}}
  // expected-error @+1 {{'onnx.conv' op failed to infer returned types}}
  %0 = onnx.conv %x, %w {pads = array<i64: -1, 0, 0, 0>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

// Operands of one ONNX type variable share an element type.
func.func @add_f32_f16(%a: tensor<4xf32>, %b: tensor<4xf16>) -> tensor<4xf32> {
  // expected-error @+2 {{input 1 has element type f16, input 0 has f32; they must agree (insert a Cast node to convert one)}}
  // expected-error @+1 {{'onnx.add' op failed to infer returned types}}
  %0 = onnx.add %a, %b : (tensor<4xf32>, tensor<4xf16>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Per-channel parameters have one value per channel.
func.func @batchnorm_scale_size(%x: tensor<1x3x2x2xf32>, %s: tensor<5xf32>, %v: tensor<3xf32>) -> tensor<1x3x2x2xf32> {
  // expected-error @+2 {{scale (input 1) must have shape 3 (one value per channel of X 1x3x2x2), got 5}}
  // expected-error @+1 {{'onnx.batch_normalization' op failed to infer returned types}}
  %0 = onnx.batch_normalization %x, %s, %v, %v, %v : (tensor<1x3x2x2xf32>, tensor<5xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x3x2x2xf32>
  return %0 : tensor<1x3x2x2xf32>
}

// -----

// No result shape may have a negative dimension or an element count beyond int64.
func.func @pad_overflow(%x: tensor<4xf32>) -> tensor<4xf32> {
  %p = arith.constant dense<[4611686018427387904, 4611686018427387904]> : tensor<2xi64>
  // expected-error @+2 {{pads overflow int64 on axis 0}}
  // expected-error @+1 {{'onnx.pad' op failed to infer returned types}}
  %0 = onnx.pad %x, %p : (tensor<4xf32>, tensor<2xi64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @expand_negative(%x: tensor<1xf32>) -> tensor<4xf32> {
  %s = arith.constant dense<[-4]> : tensor<1xi64>
  // expected-error @+2 {{result 0 would have a negative dimension (-4)}}
  // expected-error @+1 {{'onnx.expand' op failed to infer returned types}}
  %0 = onnx.expand %x, %s : (tensor<1xf32>, tensor<1xi64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @constant_of_shape_overflow() -> tensor<1xf32> {
  %s = arith.constant dense<[1099511627776, 1099511627776]> : tensor<2xi64>
  // expected-error @+2 {{result 0 would have more elements than int64 can count (1099511627776x1099511627776): the sizes overflow}}
  // expected-error @+1 {{'onnx.constant_of_shape' op failed to infer returned types}}
  %0 = onnx.constant_of_shape %s : (tensor<2xi64>) -> tensor<1xf32>
  return %0 : tensor<1xf32>
}

// -----

func.func @lstm_hidden_size_mismatch(%x: tensor<1x1x3xf32>, %w: tensor<1x8x3xf32>, %r: tensor<1x8x2xf32>) -> tensor<1x1x1x2xf32> {
  // expected-error @+2 {{hidden_size 2147483648 does not match the weights, whose shape 1x8x3 gives hidden_size 2 (4 gates)}}
  // expected-error @+1 {{'onnx.lstm' op failed to infer returned types}}
  %0 = onnx.lstm %x, %w, %r {hidden_size = 2147483648} : (tensor<1x1x3xf32>, tensor<1x8x3xf32>, tensor<1x8x2xf32>) -> tensor<1x1x1x2xf32>
  return %0 : tensor<1x1x1x2xf32>
}

// -----

func.func @resize_negative_scale(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x8x8xf32> {
  %n = onnx.none : none
  %s = arith.constant dense<[1.0, 1.0, -2.0, 2.0]> : tensor<4xf32>
  // expected-error @+2 {{scales must be finite and > 0, got -2 on axis 2}}
  // expected-error @+1 {{'onnx.resize' op failed to infer returned types}}
  %0 = onnx.resize %x, %n, %s : (tensor<1x1x4x4xf32>, none, tensor<4xf32>) -> tensor<1x1x8x8xf32>
  return %0 : tensor<1x1x8x8xf32>
}

// -----

func.func @quantize_scale_zero(%x: tensor<4xf32>) -> tensor<4xui8> {
  %s = arith.constant dense<0.0> : tensor<f32>
  // expected-error @+2 {{scale (input 1) must be finite and > 0, got 0}}
  // expected-error @+1 {{'onnx.quantize_linear' op failed to infer returned types}}
  %0 = onnx.quantize_linear %x, %s : (tensor<4xf32>, tensor<f32>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// Every input of the variadic Concat is required (emlc-fuzz: an absent middle input's shape was read).
func.func @concat_absent_middle(%x: tensor<2xf32>) -> tensor<4xf32> {
  %n = onnx.none : none
  // expected-error @+2 {{input 1 is required, but it is absent}}
  // expected-error @+1 {{'onnx.concat' op failed to infer returned types}}
  %0 = onnx.concat %x, %n, %x {axis = 0 : i64} : (tensor<2xf32>, none, tensor<2xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Range's start, limit and delta share one type (an int64 start with a float limit was read as integers).
func.func @range_mixed_types() -> tensor<4xi64> {
  %s = arith.constant dense<0> : tensor<i64>
  %l = arith.constant dense<4.0> : tensor<f32>
  %d = arith.constant dense<1> : tensor<i64>
  // expected-error @+2 {{input 1 has element type f32, input 0 has i64; they must agree}}
  // expected-error @+1 {{'onnx.range' op failed to infer returned types}}
  %0 = onnx.range %s, %l, %d : (tensor<i64>, tensor<f32>, tensor<i64>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}
