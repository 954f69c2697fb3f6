// int16 activations (TFLite's 16x8 mode): which kernels the targets choose
// and their arguments. Portable everywhere (conv2d_s16, fully_connected_s16,
// add_s16, avgpool2d_s16, maxpool2d_i16, the requantize_* casts between int8
// and int16); the Arm DSP variants of roles conv_s16 / fully_connected_s16 on
// Cortex-M4 (int16 weights for speed, int8 with --optimize size). int8 layers
// keep their own roles (kernel-selection.mlir): no int8 kernel takes an int16
// layer.

// RUN: emlc-opt %s -split-input-file -emlc-set-target=target=generic -emlc-convert-nn-to-kernel=optimize=speed | FileCheck %s --check-prefix=GEN
// RUN: emlc-opt %s -split-input-file -emlc-set-target=target=cortex-m4 -emlc-convert-nn-to-kernel=optimize=speed | FileCheck %s --check-prefix=M4
// RUN: emlc-opt %s -split-input-file -emlc-set-target=target=cortex-m4 -emlc-convert-nn-to-kernel=optimize=size | FileCheck %s --check-prefix=M4S
// RUN: emlc-opt %s -split-input-file -emlc-set-target=target=cortex-m55 -emlc-convert-nn-to-kernel=optimize=speed | FileCheck %s --check-prefix=M55
// RUN: emlc-opt %s -split-input-file -emlc-set-target=target=rv32imac -emlc-convert-nn-to-kernel=optimize=speed | FileCheck %s --check-prefix=RV
// RUN: emlc-opt %s -split-input-file -emlc-set-target=target=x86-64-avx2 -emlc-convert-nn-to-kernel=optimize=speed | FileCheck %s --check-prefix=AVX

// A 3x3 convolution, one group, int64 bias: TFLite's per-channel multipliers
// of s_in * s_w / s_out (0.001 * 0.01 / 0.002 ~ 0.005 = 1374389504 / 2^31 *
// 2^-7, from the float32 scales widened to double), the int16 range as clamp. The DSP kernels take the weights packed as int16
// pairs (144 words) or int8 (72), a two-pixel column of Kp = 36 words, the
// window taps.
// GEN-LABEL: func.func @main
// GEN: kernel.call "conv2d_s16" ins({{.*}} : memref<1x4x8x8xi16>, memref<8x4x3x3xi8>, memref<8xi64>) outs({{.*}} : memref<1x8x8x8xi16>) {args = [1 : i32, 4 : i32, 8 : i32, 8 : i32, 8 : i32, 3 : i32, 3 : i32, 8 : i32, 8 : i32, 1 : i32, 1 : i32, 1 : i32, 1 : i32, 1 : i32, 1 : i32, 1 : i32, array<i32: 1374389504, 1374389504, 1374389504, 1374389504, 1374389504, 1374389504, 1374389504, 1374389504>, array<i32: -7, -7, -7, -7, -7, -7, -7, -7>, -32768 : i32, 32767 : i32]
// M4-LABEL: func.func @main
// M4: kernel.call "conv_s16_dsp_w16" ins({{.*}} : memref<1x4x8x8xi16>, memref<144xi32>, memref<8xi64>) outs({{.*}} : memref<36xi32>, memref<1x8x8x8xi16>) {args = [1 : i32, 4 : i32, 8 : i32, 8 : i32, 8 : i32, 3 : i32, 3 : i32, 8 : i32, 8 : i32, 1 : i32, 1 : i32, 1 : i32, 1 : i32, 1 : i32, 1 : i32, array<i32: 0, 1, 2, 8, 9, 10, 16, 17, 18, 64, 65, 66, 72, 73, 74, 80, 81, 82, 128, 129, 130, 136, 137, 138, 144, 145, 146, 192, 193, 194, 200, 201, 202, 208, 209, 210>, array<i32: 1374389504, 1374389504, 1374389504, 1374389504, 1374389504, 1374389504, 1374389504, 1374389504>, array<i32: -7, -7, -7, -7, -7, -7, -7, -7>, -32768 : i32, 32767 : i32]
// M4S-LABEL: func.func @main
// M4S: kernel.call "conv_s16_dsp" ins({{.*}} : memref<1x4x8x8xi16>, memref<72xi32>, memref<8xi64>) outs({{.*}} : memref<36xi32>, memref<1x8x8x8xi16>)
// M55-LABEL: func.func @main
// M55: kernel.call "conv2d_s16"
// RV-LABEL: func.func @main
// RV: kernel.call "conv2d_s16"
// AVX-LABEL: func.func @main
// AVX: kernel.call "conv2d_s16"
func.func @main(%x: tensor<1x4x8x8x!quant.uniform<i16:f32, 0.001>>) -> tensor<1x8x8x8x!quant.uniform<i16:f32, 0.002>> {
  %w = arith.constant dense<3> : tensor<8x4x3x3xi8>
  %1 = "quant.scast"(%w) : (tensor<8x4x3x3xi8>) -> tensor<8x4x3x3x!quant.uniform<i8:f32:0, {0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01}>>
  %b = arith.constant dense<100000> : tensor<8xi64>
  %2 = nn.conv2d %x, %1, %b {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8x!quant.uniform<i16:f32, 0.001>>, tensor<8x4x3x3x!quant.uniform<i8:f32:0, {0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01}>>, tensor<8xi64>) -> tensor<1x8x8x8x!quant.uniform<i16:f32, 0.002>>
  return %2 : tensor<1x8x8x8x!quant.uniform<i16:f32, 0.002>>
}

// -----

// Depthwise, without bias, with a ReLU: the portable kernel on every target
// (role conv_s16 is one group), a zero int64 bias, the clamp from 0.
// GEN-LABEL: func.func @main
// GEN: kernel.call "conv2d_s16" ins({{.*}} : memref<1x8x8x8xi16>, memref<8x1x3x3xi8>, memref<8xi64>) outs({{.*}} : memref<1x8x4x4xi16>) {args = [1 : i32, 8 : i32, 8 : i32, 8 : i32, 8 : i32, 3 : i32, 3 : i32, 4 : i32, 4 : i32, 2 : i32, 2 : i32, 1 : i32, 1 : i32, 1 : i32, 1 : i32, 8 : i32, {{.*}}, 0 : i32, 32767 : i32]
// M4-LABEL: func.func @main
// M4: kernel.call "conv2d_s16"
// M4S-LABEL: func.func @main
// M4S: kernel.call "conv2d_s16"
// M55-LABEL: func.func @main
// RV-LABEL: func.func @main
// AVX-LABEL: func.func @main
func.func @main(%x: tensor<1x8x8x8x!quant.uniform<i16:f32, 0.001>>) -> tensor<1x8x4x4x!quant.uniform<i16:f32, 0.002>> {
  %w = arith.constant dense<3> : tensor<8x1x3x3xi8>
  %1 = "quant.scast"(%w) : (tensor<8x1x3x3xi8>) -> tensor<8x1x3x3x!quant.uniform<i8:f32, 0.01>>
  %2 = nn.conv2d %x, %1 {act_min = 0.0 : f32, dilations = array<i64: 1, 1>, groups = 8 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x8x8x8x!quant.uniform<i16:f32, 0.001>>, tensor<8x1x3x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x8x4x4x!quant.uniform<i16:f32, 0.002>>
  return %2 : tensor<1x8x4x4x!quant.uniform<i16:f32, 0.002>>
}

// -----

// Fully connected: the input row widened into 2 * ceil(K/4) scratch words by
// the DSP kernels; int16 weight quads (speed) or the weights as stored (size).
// GEN-LABEL: func.func @main
// GEN: kernel.call "fully_connected_s16" ins({{.*}} : memref<1x30xi16>, memref<10x30xi8>, memref<10xi64>) outs({{.*}} : memref<1x10xi16>) {args = [1 : i32, 30 : i32, 10 : i32, array<i32: 1374389504, {{.*}}>, array<i32: -7, {{.*}}>, -32768 : i32, 32767 : i32]
// M4-LABEL: func.func @main
// M4: kernel.call "fully_connected_s16_dsp_w16" ins({{.*}} : memref<1x30xi16>, memref<192xi32>, memref<10xi64>) outs({{.*}} : memref<16xi32>, memref<1x10xi16>) {args = [1 : i32, 30 : i32, 10 : i32,
// M4S-LABEL: func.func @main
// M4S: kernel.call "fully_connected_s16_dsp" ins({{.*}} : memref<1x30xi16>, memref<10x30xi8>, memref<10xi64>) outs({{.*}} : memref<16xi32>, memref<1x10xi16>)
// M55-LABEL: func.func @main
// M55: kernel.call "fully_connected_s16"
// RV-LABEL: func.func @main
// RV: kernel.call "fully_connected_s16"
// AVX-LABEL: func.func @main
// AVX: kernel.call "fully_connected_s16"
func.func @main(%x: tensor<1x30x!quant.uniform<i16:f32, 0.001>>) -> tensor<1x10x!quant.uniform<i16:f32, 0.002>> {
  %w = arith.constant dense<-7> : tensor<10x30xi8>
  %1 = "quant.scast"(%w) : (tensor<10x30xi8>) -> tensor<10x30x!quant.uniform<i8:f32, 0.01>>
  %b = arith.constant dense<-5> : tensor<10xi64>
  %2 = nn.fully_connected %x, %1, %b : (tensor<1x30x!quant.uniform<i16:f32, 0.001>>, tensor<10x30x!quant.uniform<i8:f32, 0.01>>, tensor<10xi64>) -> tensor<1x10x!quant.uniform<i16:f32, 0.002>>
  return %2 : tensor<1x10x!quant.uniform<i16:f32, 0.002>>
}

// -----

// int16 Add: TFLite's general-scale parameters with left shift 15 (int8: 20):
// multipliers of s1 / 2max = 0.4, s2 / 2max = 0.5, 2max / (2^15 s_out).
// GEN-LABEL: func.func @main
// GEN: kernel.call "add_s16" ins({{.*}} : memref<1x64xi16>, memref<1x64xi16>) outs({{.*}} : memref<1x64xi16>) {args = [64 : i32, 0 : i32, 0 : i32, 0 : i32, 15 : i32, 1717986793 : i32, -1 : i32, 1073741824 : i32, 0 : i32, 1431655821 : i32, -14 : i32, -32768 : i32, 32767 : i32]
// M4-LABEL: func.func @main
// M4: kernel.call "add_s16"
// M4S-LABEL: func.func @main
// M55-LABEL: func.func @main
// M55: kernel.call "add_s16"
// RV-LABEL: func.func @main
// AVX-LABEL: func.func @main
// AVX: kernel.call "add_s16"
func.func @main(%x: tensor<1x64x!quant.uniform<i16:f32, 0.0008>>, %y: tensor<1x64x!quant.uniform<i16:f32, 0.001>>) -> tensor<1x64x!quant.uniform<i16:f32, 0.0015>> {
  %0 = nn.binary add %x, %y : (tensor<1x64x!quant.uniform<i16:f32, 0.0008>>, tensor<1x64x!quant.uniform<i16:f32, 0.001>>) -> tensor<1x64x!quant.uniform<i16:f32, 0.0015>>
  return %0 : tensor<1x64x!quant.uniform<i16:f32, 0.0015>>
}

// -----

// Boundaries: int8 -> int16 and back are TFLite's Requantize (multiplier and
// shift of s_in / s_out from the float32 scales: 0.02 / 0.0001 ~ 0.78125 * 2^8,
// 0.0001 / 0.05 ~ 0.512 * 2^-8), clamped to the output's storage range (here
// the narrow int16 range); pooling keeps int16.
// GEN-LABEL: func.func @main
// GEN: kernel.call "requantize_s8_s16" ins({{.*}} : memref<1x2x4x4xi8>) outs({{.*}} : memref<1x2x4x4xi16>) {args = [32 : i32, -3 : i32, 0 : i32, 1677721605 : i32, 8 : i32, -32767 : i32, 32767 : i32]
// GEN: kernel.call "maxpool2d_i16" ins({{.*}} : memref<1x2x4x4xi16>) outs({{.*}} : memref<1x2x2x2xi16>)
// GEN: kernel.call "avgpool2d_s16" ins({{.*}} : memref<1x2x2x2xi16>) outs({{.*}} : memref<1x2x1x1xi16>) {args = [2 : i32, 2 : i32, 2 : i32, 1 : i32, 1 : i32, 2 : i32, 2 : i32, 1 : i32, 1 : i32, 1 : i32, 1 : i32, 0 : i32, 0 : i32, -32767 : i32, 32767 : i32]
// GEN: kernel.call "requantize_s16_s8" ins({{.*}} : memref<1x2x1x1xi16>) outs({{.*}} : memref<1x2x1x1xi8>) {args = [2 : i32, 0 : i32, 5 : i32, 1099511584 : i32, -8 : i32, -128 : i32, 127 : i32]
// GEN-NOT: quantize
// M4-LABEL: func.func @main
// M4S-LABEL: func.func @main
// M55-LABEL: func.func @main
// RV-LABEL: func.func @main
// AVX-LABEL: func.func @main
func.func @main(%x: tensor<1x2x4x4x!quant.uniform<i8:f32, 0.02:-3>>) -> tensor<1x2x1x1x!quant.uniform<i8:f32, 0.05:5>> {
  %0 = "quant.qcast"(%x) : (tensor<1x2x4x4x!quant.uniform<i8:f32, 0.02:-3>>) -> tensor<1x2x4x4x!quant.uniform<i16<-32767:32767>:f32, 0.0001>>
  %1 = nn.pool2d max %0 {count_include_pad = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4x!quant.uniform<i16<-32767:32767>:f32, 0.0001>>) -> tensor<1x2x2x2x!quant.uniform<i16<-32767:32767>:f32, 0.0001>>
  %2 = nn.pool2d avg %1 {count_include_pad = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x2x2x!quant.uniform<i16<-32767:32767>:f32, 0.0001>>) -> tensor<1x2x1x1x!quant.uniform<i16<-32767:32767>:f32, 0.0001>>
  %3 = "quant.qcast"(%2) : (tensor<1x2x1x1x!quant.uniform<i16<-32767:32767>:f32, 0.0001>>) -> tensor<1x2x1x1x!quant.uniform<i8:f32, 0.05:5>>
  return %3 : tensor<1x2x1x1x!quant.uniform<i8:f32, 0.05:5>>
}

// -----

// The float boundary: ONNX QuantizeLinear / DequantizeLinear on int16.
// GEN-LABEL: func.func @main
// GEN: kernel.call "quantize_f32_i16" ins({{.*}} : memref<1x16xf32>) outs({{.*}} : memref<1x16xi16>)
// GEN: kernel.call "dequantize_i16_f32" ins({{.*}} : memref<1x16xi16>) outs({{.*}} : memref<1x16xf32>)
// M4-LABEL: func.func @main
// M4S-LABEL: func.func @main
// M55-LABEL: func.func @main
// RV-LABEL: func.func @main
// AVX-LABEL: func.func @main
func.func @main(%x: tensor<1x16xf32>) -> tensor<1x16xf32> {
  %0 = "quant.qcast"(%x) : (tensor<1x16xf32>) -> tensor<1x16x!quant.uniform<i16:f32, 0.0001>>
  %1 = "quant.dcast"(%0) : (tensor<1x16x!quant.uniform<i16:f32, 0.0001>>) -> tensor<1x16xf32>
  return %1 : tensor<1x16xf32>
}

// -----

// A standalone ReLU of int16 onto the input's grid (zero point 0): max(x, 0)
// on the integers, TFLite's ReLU with equal scales.
// GEN-LABEL: func.func @main
// GEN: kernel.call "relu_i16" ins({{.*}} : memref<1x16xi16>) outs({{.*}} : memref<1x16xi16>) {args = [16 : i32]
// M4-LABEL: func.func @main
// M4S-LABEL: func.func @main
// M55-LABEL: func.func @main
// RV-LABEL: func.func @main
// AVX-LABEL: func.func @main
func.func @main(%x: tensor<1x16x!quant.uniform<i16:f32, 0.0001>>) -> tensor<1x16x!quant.uniform<i16:f32, 0.0001>> {
  %0 = nn.unary relu %x : (tensor<1x16x!quant.uniform<i16:f32, 0.0001>>) -> tensor<1x16x!quant.uniform<i16:f32, 0.0001>>
  return %0 : tensor<1x16x!quant.uniform<i16:f32, 0.0001>>
}
