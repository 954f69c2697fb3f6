// RUN: emlc-opt %s -split-input-file -verify-diagnostics

// Channels must agree with groups.
func.func @conv_channels(%x: tensor<1x3x4x4xf32>, %w: tensor<2x2x3x3xf32>) -> tensor<1x2x2x2xf32> {
  // expected-error @+1 {{input channels 3 do not match weight channels 2 x groups 1}}
  %0 = nn.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x4x4xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

// The output size must follow from pads, strides and dilations.
func.func @conv_size(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{output spatial size 4 should be 2}}
  %0 = nn.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

// Input and weight share K.
func.func @fc_k(%x: tensor<1x8xf32>, %w: tensor<3x7xf32>) -> tensor<1x3xf32> {
  // expected-error @+1 {{input has K = 8, weight has K = 7}}
  %0 = nn.fully_connected %x, %w : (tensor<1x8xf32>, tensor<3x7xf32>) -> tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}

// -----

// perm is a permutation of the axes.
func.func @transpose_perm(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{perm is not a permutation}}
  %0 = nn.transpose %x {perm = array<i64: 0, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// A reshape keeps the number of elements.
func.func @reshape_count(%x: tensor<2x3xf32>) -> tensor<7xf32> {
  // expected-error @+1 {{changes the number of elements}}
  %0 = nn.reshape %x : (tensor<2x3xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----

// Strides and dilations are positive.
func.func @conv_zero_stride(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{strides and dilations must be positive}}
  %0 = nn.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 0, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

// Convolution pads crop nothing.
func.func @conv_negative_pad(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x1x2xf32> {
  // expected-error @+1 {{pads must not be negative}}
  %0 = nn.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: -1, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x1x2xf32>
  return %0 : tensor<1x1x1x2xf32>
}

// -----

// An int8 convolution is quantized throughout: a float weight is a mistake.
func.func @conv_mixed_quant(%x: tensor<1x1x3x3x!quant.uniform<i8:f32, 0.5>>, %w: tensor<1x1x1x1xf32>) -> tensor<1x1x3x3x!quant.uniform<i8:f32, 1.0>> {
  // expected-error @+1 {{mixes quantized and non-quantized operands and results}}
  %0 = nn.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3x!quant.uniform<i8:f32, 0.5>>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x3x!quant.uniform<i8:f32, 1.0>>
  return %0 : tensor<1x1x3x3x!quant.uniform<i8:f32, 1.0>>
}

// -----

// A fused clamp is an interval.
func.func @conv_clamp_order(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x1x1xf32>) -> tensor<1x1x3x3xf32> {
  // expected-error @+1 {{act_min is above act_max}}
  %0 = nn.conv2d %x, %w {act_max = 0.0 : f32, act_min = 6.0 : f32, dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

// Transposed convolution: the input's channels are the weight's first dimension.
func.func @conv_transpose_channels(%x: tensor<1x2x3x3xf32>, %w: tensor<1x2x3x3xf32>) -> tensor<1x2x5x5xf32> {
  // expected-error @+1 {{input channels 2 do not match the weight's first dimension 1 (groups 1)}}
  %0 = nn.conv_transpose2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x5x5xf32>
  return %0 : tensor<1x2x5x5xf32>
}

// -----

func.func @conv_transpose_out_channels(%x: tensor<1x1x3x3xf32>, %w: tensor<1x2x3x3xf32>) -> tensor<1x3x5x5xf32> {
  // expected-error @+1 {{output must be [N, weight channels x groups, ...]}}
  %0 = nn.conv_transpose2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x3x5x5xf32>
  return %0 : tensor<1x3x5x5xf32>
}

// -----

// A fully connected bias has one value per output.
func.func @fc_bias(%x: tensor<1x8xf32>, %w: tensor<3x8xf32>, %b: tensor<4xf32>) -> tensor<1x3xf32> {
  // expected-error @+1 {{bias must have one value per output}}
  %0 = nn.fully_connected %x, %w, %b : (tensor<1x8xf32>, tensor<3x8xf32>, tensor<4xf32>) -> tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}

// -----

// The inner dimensions of a matrix product agree.
func.func @matmul_inner(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{inner dimensions differ: 3 vs 4}}
  %0 = nn.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// Batch dimensions broadcast into the output's.
func.func @matmul_batch(%a: tensor<2x2x3xf32>, %b: tensor<3x5xf32>) -> tensor<3x2x5xf32> {
  // expected-error @+1 {{output shape does not follow from the operands}}
  %0 = nn.matmul %a, %b : (tensor<2x2x3xf32>, tensor<3x5xf32>) -> tensor<3x2x5xf32>
  return %0 : tensor<3x2x5xf32>
}

// -----

// Elementwise ops keep the shape.
func.func @unary_shape(%x: tensor<4xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{changes the shape}}
  %0 = nn.unary relu %x : (tensor<4xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @binary_broadcast(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<3x3xf32> {
  // expected-error @+1 {{output shape is not the operands' broadcast shape}}
  %0 = nn.binary add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

// Binary operands broadcast (numpy rules).
func.func @binary_incompatible(%a: tensor<2x3xf32>, %b: tensor<2xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{operands do not broadcast}}
  %0 = nn.binary mul %a, %b : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// The pooled size follows from kernel, strides and pads.
func.func @pool_size(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x3x3xf32> {
  // expected-error @+1 {{output spatial size 3 should be 2}}
  %0 = nn.pool2d max %x {count_include_pad = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// -----

// A 2-D window has two positive sizes.
func.func @pool_kernel(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  // expected-error @+1 {{expects 2 positive kernel sizes}}
  %0 = nn.pool2d avg %x {count_include_pad = false, dilations = array<i64: 1, 1>, kernel = array<i64: 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// Pads are (top, left, bottom, right).
func.func @pool_window_attrs(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  // expected-error @+1 {{expects 2 strides, 2 dilations and 4 pads}}
  %0 = nn.pool2d avg %x {count_include_pad = false, dilations = array<i64: 1, 1>, kernel = array<i64: 1, 1>, pads = array<i64: 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// Reduced axes exist.
func.func @reduce_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = nn.reduce sum %x {axes = array<i64: 2>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Reduced axes are listed once, in order.
func.func @reduce_order(%x: tensor<2x3xf32>) -> tensor<1x1xf32> {
  // expected-error @+1 {{axes must be sorted and distinct}}
  %0 = nn.reduce sum %x {axes = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

// Reduced axes stay as size 1.
func.func @reduce_shape(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{keeps reduced axes as size 1: the output rank must be the input's}}
  %0 = nn.reduce mean %x {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// A reduced axis has size 1 in the output.
func.func @reduce_result(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{output shape does not follow from the reduced axes}}
  %0 = nn.reduce max %x {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// The softmax axis is normalized (0 <= axis < rank).
func.func @softmax_axis(%x: tensor<1x10xf32>) -> tensor<1x10xf32> {
  // expected-error @+1 {{axis -1 is out of range for rank 2}}
  %0 = nn.softmax %x {axis = -1 : i64, log = false} : (tensor<1x10xf32>) -> tensor<1x10xf32>
  return %0 : tensor<1x10xf32>
}

// -----

// The statistics keep the leading axes and reduce the rest.
func.func @normalize_stats(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  // expected-error @+1 {{mean and inv_std_dev must be the input's shape with the normalized axes 1}}
  %y, %m, %r = nn.normalize %x {axis = 2 : i64, epsilon = 1.0e-5 : f32} : (tensor<1x8x4x4xf32>) -> (tensor<1x8x4x4xf32>, tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>)
  return %y : tensor<1x8x4x4xf32>
}

// -----

// The output is the input with its axes permuted.
func.func @transpose_shape(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{output shape is not the permuted input shape}}
  %0 = nn.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// A reshape is a view: same element type.
func.func @reshape_type(%x: tensor<2x3xf32>) -> tensor<6xi32> {
  // expected-error @+1 {{changes the element type}}
  %0 = nn.reshape %x : (tensor<2x3xf32>) -> tensor<6xi32>
  return %0 : tensor<6xi32>
}

// -----

// The inputs fill the output along the axis.
func.func @concat_sum(%a: tensor<1x2xf32>, %b: tensor<1x3xf32>) -> tensor<1x6xf32> {
  // expected-error @+1 {{inputs add up to 5 along the axis, the output has 6}}
  %0 = nn.concat %a, %b {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x3xf32>) -> tensor<1x6xf32>
  return %0 : tensor<1x6xf32>
}

// -----

// Off the axis, every input has the output's dimensions.
func.func @concat_off_axis(%a: tensor<1x2xf32>, %b: tensor<2x3xf32>) -> tensor<1x5xf32> {
  // expected-error @+1 {{input dimension 0 differs from the output's off the concat axis}}
  %0 = nn.concat %a, %b {axis = 1 : i64} : (tensor<1x2xf32>, tensor<2x3xf32>) -> tensor<1x5xf32>
  return %0 : tensor<1x5xf32>
}

// -----

// One element type for all inputs (quantized ones share their grid).
func.func @concat_type(%a: tensor<1x2xf32>, %b: tensor<1x3xi8>) -> tensor<1x5xf32> {
  // expected-error @+1 {{inputs must have the output's element type}}
  %0 = nn.concat %a, %b {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x3xi8>) -> tensor<1x5xf32>
  return %0 : tensor<1x5xf32>
}

// -----

// The concat axis exists.
func.func @concat_axis(%a: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = nn.concat %a {axis = 2 : i64} : (tensor<1x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// Every element a slice reads is inside the input.
func.func @slice_bounds(%x: tensor<2x8xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{axis 1 reads outside the input}}
  %0 = nn.slice %x {starts = array<i64: 0, 4>, steps = array<i64: 1, 2>} : (tensor<2x8xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// A step of 0 reads nothing.
func.func @slice_step(%x: tensor<2x8xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{step of axis 1 is 0}}
  %0 = nn.slice %x {starts = array<i64: 0, 0>, steps = array<i64: 1, 0>} : (tensor<2x8xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// One start and step per axis.
func.func @slice_rank(%x: tensor<2x8xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{expects one start and step per axis of the input, and an output of the same rank}}
  %0 = nn.slice %x {starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<2x8xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// The output is the input plus its pads.
func.func @pad_size(%x: tensor<2x2xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{output dimension 1 is not the padded input's}}
  %0 = nn.pad %x {mode = "constant", pads = array<i64: 0, 1, 0, 1>, value = 0.0 : f32} : (tensor<2x2xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// Only the modes the kernels implement.
func.func @pad_mode(%x: tensor<2x2xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{mode must be constant, reflect or edge}}
  %0 = nn.pad %x {mode = "wrap", pads = array<i64: 0, 1, 0, 1>, value = 0.0 : f32} : (tensor<2x2xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Cropping is a slice, not a pad.
func.func @pad_negative(%x: tensor<2x2xf32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{pads must not be negative}}
  %0 = nn.pad %x {mode = "constant", pads = array<i64: 0, -1, 0, 0>, value = 0.0 : f32} : (tensor<2x2xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

// Begin and end pads for every axis.
func.func @pad_count(%x: tensor<2x2xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{expects 2 x rank pads and an output of the input's rank}}
  %0 = nn.pad %x {mode = "constant", pads = array<i64: 1, 1>, value = 0.0 : f32} : (tensor<2x2xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// The output is input[:axis] + indices + input[axis+1:].
func.func @gather_shape(%x: tensor<5x4xf32>, %i: tensor<3xi64>) -> tensor<3x5xf32> {
  // expected-error @+1 {{output shape does not follow from input, indices and axis}}
  %0 = nn.gather %x, %i {axis = 0 : i64} : (tensor<5x4xf32>, tensor<3xi64>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// Indices are integers.
func.func @gather_indices(%x: tensor<5x4xf32>, %i: tensor<3xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{indices must be integers}}
  %0 = nn.gather %x, %i {axis = 0 : i64} : (tensor<5x4xf32>, tensor<3xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// The gather axis exists.
func.func @gather_axis(%x: tensor<5x4xf32>, %i: tensor<3xi64>) -> tensor<3x4xf32> {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = nn.gather %x, %i {axis = 2 : i64} : (tensor<5x4xf32>, tensor<3xi64>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// A cast changes only the element type.
func.func @cast_shape(%x: tensor<4xf32>) -> tensor<2xi32> {
  // expected-error @+1 {{changes the shape}}
  %0 = nn.cast %x : (tensor<4xf32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

// One scale per axis.
func.func @resize_scales(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{expects one scale per axis and an output of the input's rank}}
  %0 = nn.resize %x {mode = "nearest", coordinate_mode = "asymmetric", nearest_mode = "floor", scales = array<f32: 2.0, 2.0>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

// Only the modes the kernels implement.
func.func @resize_mode(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{mode must be nearest, linear or cubic}}
  %0 = nn.resize %x {mode = "area", coordinate_mode = "asymmetric", nearest_mode = "floor", scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

// Scales are positive.
func.func @resize_scale_sign(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{scales must be positive}}
  %0 = nn.resize %x {mode = "nearest", coordinate_mode = "asymmetric", nearest_mode = "floor", scales = array<f32: 1.0, 1.0, 0.0, 2.0>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}
