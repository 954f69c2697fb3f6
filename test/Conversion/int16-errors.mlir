// int16 layers the TFLite 16x8 kernels cannot run are refused with the reason.
// RUN: emlc-opt %s -split-input-file -emlc-set-target=target=cortex-m4 -emlc-convert-nn-to-kernel -verify-diagnostics

// An int16 activation with a zero point (TFLite's 16x8 is symmetric).
func.func @main(%x: tensor<1x30x!quant.uniform<i16:f32, 0.001:4>>) -> tensor<1x10x!quant.uniform<i16:f32, 0.002>> {
  %w = arith.constant dense<-7> : tensor<10x30xi8>
  %1 = "quant.scast"(%w) : (tensor<10x30xi8>) -> tensor<10x30x!quant.uniform<i8:f32, 0.01>>
  %b = arith.constant dense<-5> : tensor<10xi64>
  // expected-error @+1 {{int16 layers need per-tensor int16 input and output with zero point 0 (TFLite 16x8)}}
  %2 = nn.fully_connected %x, %1, %b : (tensor<1x30x!quant.uniform<i16:f32, 0.001:4>>, tensor<10x30x!quant.uniform<i8:f32, 0.01>>, tensor<10xi64>) -> tensor<1x10x!quant.uniform<i16:f32, 0.002>>
  return %2 : tensor<1x10x!quant.uniform<i16:f32, 0.002>>
}

// -----

// An int32 bias: TFLite's 16x8 with int64 bias is the contract.
func.func @main(%x: tensor<1x4x8x8x!quant.uniform<i16:f32, 0.001>>) -> tensor<1x8x8x8x!quant.uniform<i16:f32, 0.002>> {
  %w = arith.constant dense<3> : tensor<8x4x3x3xi8>
  %1 = "quant.scast"(%w) : (tensor<8x4x3x3xi8>) -> tensor<8x4x3x3x!quant.uniform<i8:f32, 0.01>>
  %b = arith.constant dense<100> : tensor<8xi32>
  // expected-error @+1 {{int16 layers need an int64 bias (TFLite 16x8)}}
  %2 = nn.conv2d %x, %1, %b {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8x!quant.uniform<i16:f32, 0.001>>, tensor<8x4x3x3x!quant.uniform<i8:f32, 0.01>>, tensor<8xi32>) -> tensor<1x8x8x8x!quant.uniform<i16:f32, 0.002>>
  return %2 : tensor<1x8x8x8x!quant.uniform<i16:f32, 0.002>>
}

// -----

// A requantization multiplier of 128 or more (TFLite's int64 MultiplyByQuantizedMultiplier takes shifts below 8).
func.func @main(%x: tensor<1x30x!quant.uniform<i16:f32, 1.0>>) -> tensor<1x10x!quant.uniform<i16:f32, 0.00001>> {
  %w = arith.constant dense<-7> : tensor<10x30xi8>
  %1 = "quant.scast"(%w) : (tensor<10x30xi8>) -> tensor<10x30x!quant.uniform<i8:f32, 0.01>>
  // expected-error @+1 {{the requantization multiplier of an int16 layer is 128 or more}}
  %2 = nn.fully_connected %x, %1 : (tensor<1x30x!quant.uniform<i16:f32, 1.0>>, tensor<10x30x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x10x!quant.uniform<i16:f32, 0.00001>>
  return %2 : tensor<1x10x!quant.uniform<i16:f32, 0.00001>>
}

// -----

// Only Add among int16 elementwise ops, and int16 on both sides.
func.func @main(%x: tensor<1x64x!quant.uniform<i16:f32, 0.0008>>, %y: tensor<1x64x!quant.uniform<i16:f32, 0.001>>) -> tensor<1x64x!quant.uniform<i16:f32, 0.0015>> {
  // expected-error @+1 {{int16 elementwise ops are supported as Add of equal shapes with int16 operands and output, zero points 0 (TFLite 16x8)}}
  %0 = nn.binary mul %x, %y : (tensor<1x64x!quant.uniform<i16:f32, 0.0008>>, tensor<1x64x!quant.uniform<i16:f32, 0.001>>) -> tensor<1x64x!quant.uniform<i16:f32, 0.0015>>
  return %0 : tensor<1x64x!quant.uniform<i16:f32, 0.0015>>
}

// -----

// int16 Softmax (TFLite's is table-based) has no kernel yet.
func.func @main(%x: tensor<1x10x!quant.uniform<i16:f32, 0.001>>) -> tensor<1x10x!quant.uniform<i16:f32, 0.00003>> {
  // expected-error @+1 {{softmax of '!quant.uniform<i16:f32, 1.000000e-03>' has no integer kernel (int8 only)}}
  %0 = nn.softmax %x {axis = 1 : i64, log = false} : (tensor<1x10x!quant.uniform<i16:f32, 0.001>>) -> tensor<1x10x!quant.uniform<i16:f32, 0.00003>>
  return %0 : tensor<1x10x!quant.uniform<i16:f32, 0.00003>>
}
