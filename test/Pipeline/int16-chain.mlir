// A mixed-precision chain compiled to C: int8 conv -> int16 conv, max pool,
// reshape, fully connected -> int8 fully connected. The boundaries are
// TFLite's Requantize (requantize_s8_s16, requantize_s16_s8), never a trip
// through float: with integer input and output the emitted C has no float at
// all (besides the header's scale constants for the caller). Cortex-M4 takes the DSP kernels of both precisions, generic the
// portable ones.

// RUN: emlc-opt %s --emlc-nn-to-kernel-pipeline="target=cortex-m4" | emlc-translate --emit-c | FileCheck %s --check-prefix=M4
// RUN: emlc-opt %s --emlc-nn-to-kernel-pipeline="target=generic" | emlc-translate --emit-c | FileCheck %s --check-prefix=GEN
// RUN: emlc-opt %s --emlc-nn-to-kernel-pipeline="target=cortex-m4" | emlc-translate --emit-c | %python -c "import re, sys; t = re.sub(r'/\*.*?\*/|//[^\n]*|#include[^\n]*|#define \w+_(INPUT|OUTPUT)_\d+_SCALE [^\n]*', '', sys.stdin.read(), flags=re.S); bad = re.findall(r'\bfloat\b|\bdouble\b|\b\d+\.\d*f?\b|INFINITY|quantize_f32|dequantize_', t); print('float:', bad[:5] or 'none'); sys.exit(1 if bad else 0)" | FileCheck %s --check-prefix=NOFLOAT

// M4-LABEL: int model_run(
// M4: emlc_conv_s8_dsp_w16(
// M4-NEXT: emlc_requantize_s8_s16(
// M4-NEXT: emlc_conv_s16_dsp_w16(
// M4-NEXT: emlc_maxpool2d_i16(
// M4-NEXT: emlc_fully_connected_s16_dsp_w16(
// M4-NEXT: emlc_requantize_s16_s8(
// M4-NEXT: emlc_fully_connected_s8_dsp_w16({{.*}}outputs[0]
// M4-NEXT: return 0;

// GEN-LABEL: int model_run(
// GEN: emlc_conv2d_s8_folded(
// GEN-NEXT: emlc_requantize_s8_s16(
// GEN-NEXT: emlc_conv2d_s16(
// GEN-NEXT: emlc_maxpool2d_i16(
// GEN-NEXT: emlc_fully_connected_s16(
// GEN-NEXT: emlc_requantize_s16_s8(
// GEN-NEXT: emlc_fully_connected_s8({{.*}}outputs[0]
// GEN-NEXT: return 0;

// NOFLOAT: float: none

func.func @main(%in: tensor<1x2x8x8xi8>) -> tensor<1x5xi8> {
  %x = "quant.scast"(%in) : (tensor<1x2x8x8xi8>) -> tensor<1x2x8x8x!quant.uniform<i8:f32, 0.02:-3>>
  %w1 = arith.constant dense<5> : tensor<4x2x3x3xi8>
  %q1 = "quant.scast"(%w1) : (tensor<4x2x3x3xi8>) -> tensor<4x2x3x3x!quant.uniform<i8:f32, 0.01>>
  %b1 = arith.constant dense<40> : tensor<4xi32>
  %c1 = nn.conv2d %x, %q1, %b1 {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x2x8x8x!quant.uniform<i8:f32, 0.02:-3>>, tensor<4x2x3x3x!quant.uniform<i8:f32, 0.01>>, tensor<4xi32>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.04:1>>
  %r1 = "quant.qcast"(%c1) : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.04:1>>) -> tensor<1x4x8x8x!quant.uniform<i16:f32, 0.0002>>
  %w2 = arith.constant dense<-3> : tensor<6x4x3x3xi8>
  %q2 = "quant.scast"(%w2) : (tensor<6x4x3x3xi8>) -> tensor<6x4x3x3x!quant.uniform<i8:f32, 0.01>>
  %b2 = arith.constant dense<7000> : tensor<6xi64>
  %c2 = nn.conv2d %r1, %q2, %b2 {act_min = 0.0 : f32, dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8x!quant.uniform<i16:f32, 0.0002>>, tensor<6x4x3x3x!quant.uniform<i8:f32, 0.01>>, tensor<6xi64>) -> tensor<1x6x8x8x!quant.uniform<i16:f32, 0.0003>>
  %p = nn.pool2d max %c2 {count_include_pad = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x6x8x8x!quant.uniform<i16:f32, 0.0003>>) -> tensor<1x6x4x4x!quant.uniform<i16:f32, 0.0003>>
  %f = nn.reshape %p : (tensor<1x6x4x4x!quant.uniform<i16:f32, 0.0003>>) -> tensor<1x96x!quant.uniform<i16:f32, 0.0003>>
  %w3 = arith.constant dense<2> : tensor<10x96xi8>
  %q3 = "quant.scast"(%w3) : (tensor<10x96xi8>) -> tensor<10x96x!quant.uniform<i8:f32, 0.01>>
  %b3 = arith.constant dense<-123456> : tensor<10xi64>
  %d3 = nn.fully_connected %f, %q3, %b3 : (tensor<1x96x!quant.uniform<i16:f32, 0.0003>>, tensor<10x96x!quant.uniform<i8:f32, 0.01>>, tensor<10xi64>) -> tensor<1x10x!quant.uniform<i16:f32, 0.0005>>
  %r2 = "quant.qcast"(%d3) : (tensor<1x10x!quant.uniform<i16:f32, 0.0005>>) -> tensor<1x10x!quant.uniform<i8:f32, 0.06:2>>
  %w4 = arith.constant dense<9> : tensor<5x10xi8>
  %q4 = "quant.scast"(%w4) : (tensor<5x10xi8>) -> tensor<5x10x!quant.uniform<i8:f32, 0.01>>
  %b4 = arith.constant dense<11> : tensor<5xi32>
  %d4 = nn.fully_connected %r2, %q4, %b4 : (tensor<1x10x!quant.uniform<i8:f32, 0.06:2>>, tensor<5x10x!quant.uniform<i8:f32, 0.01>>, tensor<5xi32>) -> tensor<1x5x!quant.uniform<i8:f32, 0.1:-1>>
  %out = "quant.scast"(%d4) : (tensor<1x5x!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x5xi8>
  return %out : tensor<1x5xi8>
}
