// Which kernel each target chooses for a layer, with its weight layout and
// scratch (the buffer types) and, for some, every argument: kernel selection
// tested without building or running the C (KernelVariant.h: roles in rank
// order, the target's variants in order, the first that matches).

// RUN: emlc-opt %s -split-input-file -emlc-set-target=target=generic -emlc-convert-nn-to-kernel=optimize=speed | FileCheck %s --check-prefix=GEN
// RUN: emlc-opt %s -split-input-file -emlc-set-target=target=cortex-m4 -emlc-convert-nn-to-kernel=optimize=speed | FileCheck %s --check-prefix=M4
// RUN: emlc-opt %s -split-input-file -emlc-set-target=target=cortex-m4 -emlc-convert-nn-to-kernel=optimize=size | FileCheck %s --check-prefix=M4S
// RUN: emlc-opt %s -split-input-file -emlc-set-target=target=cortex-m55 -emlc-convert-nn-to-kernel=optimize=speed | FileCheck %s --check-prefix=M55
// RUN: emlc-opt %s -split-input-file -emlc-set-target=target=cortex-m55 -emlc-convert-nn-to-kernel=optimize=size | FileCheck %s --check-prefix=M55S
// RUN: emlc-opt %s -split-input-file -emlc-set-target=target=cortex-m0plus -emlc-convert-nn-to-kernel=optimize=speed | FileCheck %s --check-prefix=M0
// RUN: emlc-opt %s -split-input-file -emlc-set-target=target=rv32imac -emlc-convert-nn-to-kernel=optimize=speed | FileCheck %s --check-prefix=RV
// RUN: emlc-opt %s -split-input-file -emlc-set-target=target=rv32imac -emlc-convert-nn-to-kernel=optimize=size | FileCheck %s --check-prefix=RVS
// RUN: emlc-opt %s -split-input-file -emlc-set-target=target=x86-64 -emlc-convert-nn-to-kernel=optimize=speed | FileCheck %s --check-prefix=SSE
// RUN: emlc-opt %s -split-input-file -emlc-set-target=target=x86-64-avx2 -emlc-convert-nn-to-kernel=optimize=speed | FileCheck %s --check-prefix=AVX

// int8 3x3 convolution, one group.
// GEN-LABEL: func.func @main
// GEN: kernel.call "conv2d_s8_folded" ins({{.*}} : memref<1x4x8x8xi8>, memref<8x4x3x3xi8>, memref<8xi32>) outs({{.*}} : memref<1x8x8x8xi8>) {args = [1 : i32, 4 : i32, 8 : i32, 8 : i32, 8 : i32, 3 : i32, 3 : i32, 8 : i32, 8 : i32, 1 : i32, 1 : i32, 1 : i32, 1 : i32, 1 : i32, 1 : i32, 1 : i32, 3 : i32, 5 : i32, array<i32: 424, 424, 424, 424, 424, 424, 424, 424>, array<i32: 1374389504, 1374389504, 1374389504, 1374389504, 1374389504, 1374389504, 1374389504, 1374389504>, array<i32: -7, -7, -7, -7, -7, -7, -7, -7>, -128 : i32, 127 : i32]
// M4-LABEL: func.func @main
// M4: kernel.call "conv_s8_dsp_w16" ins({{.*}} : memref<1x4x8x8xi8>, memref<144xi32>) outs({{.*}} : memref<36xi32>, memref<1x8x8x8xi8>) {args = [1 : i32, 4 : i32, 8 : i32, 8 : i32, 8 : i32, 3 : i32, 3 : i32, 8 : i32, 8 : i32, 1 : i32, 1 : i32, 1 : i32, 1 : i32, 1 : i32, 1 : i32, -3 : i32, array<i32: 0, 1, 2, 8, 9, 10, 16, 17, 18, 64, 65, 66, 72, 73, 74, 80, 81, 82, 128, 129, 130, 136, 137, 138, 144, 145, 146, 192, 193, 194, 200, 201, 202, 208, 209, 210>, 5 : i32, array<i32: 424, 424, 424, 424, 424, 424, 424, 424>, array<i32: 1374389504, 1374389504, 1374389504, 1374389504, 1374389504, 1374389504, 1374389504, 1374389504>, array<i32: -7, -7, -7, -7, -7, -7, -7, -7>, -128 : i32, 127 : i32]
// M4S-LABEL: func.func @main
// M4S: kernel.call "conv_s8_dsp" ins({{.*}} : memref<1x4x8x8xi8>, memref<72xi32>) outs({{.*}} : memref<36xi32>, memref<1x8x8x8xi8>)
// M55-LABEL: func.func @main
// M55: kernel.call "conv_s8_mve" ins({{.*}} : memref<1x4x8x8xi8>, memref<120xi32>) outs({{.*}} : memref<48xi32>, memref<1x8x8x8xi8>)
// --optimize size: the last conv_s8 variant, which takes every layer (here the DSP tables, `exact` 0)
// M55S-LABEL: func.func @main
// M55S: kernel.call "conv_s8_mve_exact" ins({{.*}} : memref<1x4x8x8xi8>, memref<120xi32>) outs({{.*}} : memref<48xi32>, memref<1x8x8x8xi8>) {args = [{{.*}}, 0 : i32, -128 : i32, 127 : i32]
// M0-LABEL: func.func @main
// M0: kernel.call "conv_s8_scalar" ins({{.*}} : memref<1x4x8x8xi8>, memref<288xi16>) outs({{.*}} : memref<108xi16>, memref<1x8x8x8xi8>)
// RV-LABEL: func.func @main
// RV: kernel.call "conv_s8_scalar" ins({{.*}} : memref<1x4x8x8xi8>, memref<288xi16>) outs({{.*}} : memref<108xi16>, memref<1x8x8x8xi8>)
// RVS-LABEL: func.func @main
// RVS: kernel.call "conv2d_s8_folded" ins({{.*}} : memref<1x4x8x8xi8>, memref<8x4x3x3xi8>, memref<8xi32>) outs({{.*}} : memref<1x8x8x8xi8>)
// SSE-LABEL: func.func @main
// SSE: kernel.call "conv_s8_sse41" ins({{.*}} : memref<1x4x8x8xi8>, memref<144xi32>) outs({{.*}} : memref<408xi8>, memref<288xi16>, memref<1x8x8x8xi8>)
// AVX-LABEL: func.func @main
// AVX: kernel.call "conv_s8_avx2" ins({{.*}} : memref<1x4x8x8xi8>, memref<144xi32>) outs({{.*}} : memref<408xi8>, memref<576xi16>, memref<1x8x8x8xi8>) {args = [1 : i32, 4 : i32, 8 : i32, 8 : i32, 8 : i32, 36 : i32, 8 : i32, 8 : i32, 1 : i32, 1 : i32, 1 : i32, 1 : i32, 10 : i32, 10 : i32, 0 : i32, array<i32: 0, 1, 2, 10, 11, 12, 20, 21, 22, 100, 101, 102, 110, 111, 112, 120, 121, 122, 200, 201, 202, 210, 211, 212, 220, 221, 222, 300, 301, 302, 310, 311, 312, 320, 321, 322>, -3 : i32, 5 : i32, array<i32: 424, 424, 424, 424, 424, 424, 424, 424>, array<i32: 1374389504, 1374389504, 1374389504, 1374389504, 1374389504, 1374389504, 1374389504, 1374389504>, array<i32: -7, -7, -7, -7, -7, -7, -7, -7>, -128 : i32, 127 : i32]
func.func @main(%x: tensor<1x4x8x8x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.1:5>> {
  %w = arith.constant dense<3> : tensor<8x4x3x3xi8>
  %1 = "quant.scast"(%w) : (tensor<8x4x3x3xi8>) -> tensor<8x4x3x3x!quant.uniform<i8:f32, 0.01>>
  %b = arith.constant dense<100> : tensor<8xi32>
  %2 = nn.conv2d %x, %1, %b {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.05:-3>>, tensor<8x4x3x3x!quant.uniform<i8:f32, 0.01>>, tensor<8xi32>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.1:5>>
  return %2 : tensor<1x8x8x8x!quant.uniform<i8:f32, 0.1:5>>
}

// -----

// int8 pointwise (1x1, stride 1, no padding): Cortex-M0+ names the portable
// conv1x1_s8 for this role (its 8 low registers spill the scalar tile), and
// rv32imac --optimize size takes the portable kernels.
// GEN-LABEL: func.func @main
// GEN: kernel.call "conv1x1_s8" ins({{.*}} : memref<1x8x4x4xi8>, memref<16x8x1x1xi8>) outs({{.*}} : memref<1x16x4x4xi8>)
// M4-LABEL: func.func @main
// M4: kernel.call "conv_s8_dsp_w16" ins({{.*}} : memref<1x8x4x4xi8>, memref<64xi32>) outs({{.*}} : memref<8xi32>, memref<1x16x4x4xi8>)
// M4S-LABEL: func.func @main
// M4S: kernel.call "conv_s8_dsp" ins({{.*}} : memref<1x8x4x4xi8>, memref<32xi32>) outs({{.*}} : memref<8xi32>, memref<1x16x4x4xi8>)
// M55-LABEL: func.func @main
// M55: kernel.call "conv_s8_mve" ins({{.*}} : memref<1x8x4x4xi8>, memref<72xi32>) outs({{.*}} : memref<16xi32>, memref<1x16x4x4xi8>)
// M0-LABEL: func.func @main
// M0: kernel.call "conv1x1_s8" ins({{.*}} : memref<1x8x4x4xi8>, memref<16x8x1x1xi8>) outs({{.*}} : memref<1x16x4x4xi8>)
// RV-LABEL: func.func @main
// RV: kernel.call "conv_s8_scalar" ins({{.*}} : memref<1x8x4x4xi8>, memref<128xi16>) outs({{.*}} : memref<24xi16>, memref<1x16x4x4xi8>)
// RVS-LABEL: func.func @main
// RVS: kernel.call "conv1x1_s8" ins({{.*}} : memref<1x8x4x4xi8>, memref<16x8x1x1xi8>) outs({{.*}} : memref<1x16x4x4xi8>)
// SSE-LABEL: func.func @main
// SSE: kernel.call "conv_s8_sse41" ins({{.*}} : memref<1x8x4x4xi8>, memref<64xi32>) outs({{.*}} : memref<1xi8>, memref<64xi16>, memref<1x16x4x4xi8>)
// AVX-LABEL: func.func @main
// AVX: kernel.call "conv_s8_avx2" ins({{.*}} : memref<1x8x4x4xi8>, memref<64xi32>) outs({{.*}} : memref<1xi8>, memref<128xi16>, memref<1x16x4x4xi8>)
func.func @main(%x: tensor<1x8x4x4x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x16x4x4x!quant.uniform<i8:f32, 0.1:5>> {
  %w = arith.constant dense<2> : tensor<16x8x1x1xi8>
  %1 = "quant.scast"(%w) : (tensor<16x8x1x1xi8>) -> tensor<16x8x1x1x!quant.uniform<i8:f32, 0.01>>
  %b = arith.constant dense<10> : tensor<16xi32>
  %2 = nn.conv2d %x, %1, %b {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x8x4x4x!quant.uniform<i8:f32, 0.05:-3>>, tensor<16x8x1x1x!quant.uniform<i8:f32, 0.01>>, tensor<16xi32>) -> tensor<1x16x4x4x!quant.uniform<i8:f32, 0.1:5>>
  return %2 : tensor<1x16x4x4x!quant.uniform<i8:f32, 0.1:5>>
}

// -----

// int8 depthwise 3x3, stride 2.
// GEN-LABEL: func.func @main
// GEN: kernel.call "dwconv3x3_s8" ins({{.*}} : memref<1x8x8x8xi8>, memref<8x1x3x3xi8>, memref<8xi32>) outs({{.*}} : memref<1x8x4x4xi8>)
// M4-LABEL: func.func @main
// M4: kernel.call "dwconv3x3_s8_dsp" ins({{.*}} : memref<1x8x8x8xi8>, memref<8x1x3x3xi8>) outs({{.*}} : memref<48xi8>, memref<1x8x4x4xi8>)
// M4S-LABEL: func.func @main
// M4S: kernel.call "dwconv3x3_s8_dsp" ins({{.*}} : memref<1x8x8x8xi8>, memref<8x1x3x3xi8>) outs({{.*}} : memref<48xi8>, memref<1x8x4x4xi8>)
// M55-LABEL: func.func @main
// M55: kernel.call "dwconv3x3_s8_mve" ins({{.*}} : memref<1x8x8x8xi8>, memref<8x1x3x3xi8>) outs({{.*}} : memref<81xi8>, memref<1x8x4x4xi8>)
// M0-LABEL: func.func @main
// M0: kernel.call "dwconv3x3_s8_scalar" ins({{.*}} : memref<1x8x8x8xi8>, memref<8x1x3x3xi8>) outs({{.*}} : memref<81xi8>, memref<1x8x4x4xi8>)
// RV-LABEL: func.func @main
// RV: kernel.call "dwconv3x3_s8_scalar" ins({{.*}} : memref<1x8x8x8xi8>, memref<8x1x3x3xi8>) outs({{.*}} : memref<81xi8>, memref<1x8x4x4xi8>)
// RVS-LABEL: func.func @main
// RVS: kernel.call "dwconv3x3_s8_scalar" ins({{.*}} : memref<1x8x8x8xi8>, memref<8x1x3x3xi8>) outs({{.*}} : memref<81xi8>, memref<1x8x4x4xi8>)
// SSE-LABEL: func.func @main
// SSE: kernel.call "dwconv3x3_s8_sse41" ins({{.*}} : memref<1x8x8x8xi8>, memref<8x1x3x3xi8>) outs({{.*}} : memref<98xi8>, memref<1x8x4x4xi8>)
// AVX-LABEL: func.func @main
// AVX: kernel.call "dwconv3x3_s8_avx2" ins({{.*}} : memref<1x8x8x8xi8>, memref<8x1x3x3xi8>) outs({{.*}} : memref<98xi8>, memref<1x8x4x4xi8>)
func.func @main(%x: tensor<1x8x8x8x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x8x4x4x!quant.uniform<i8:f32, 0.1:5>> {
  %w = arith.constant dense<4> : tensor<8x1x3x3xi8>
  %1 = "quant.scast"(%w) : (tensor<8x1x3x3xi8>) -> tensor<8x1x3x3x!quant.uniform<i8:f32, 0.01>>
  %b = arith.constant dense<7> : tensor<8xi32>
  %2 = nn.conv2d %x, %1, %b {dilations = array<i64: 1, 1>, groups = 8 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x8x8x8x!quant.uniform<i8:f32, 0.05:-3>>, tensor<8x1x3x3x!quant.uniform<i8:f32, 0.01>>, tensor<8xi32>) -> tensor<1x8x4x4x!quant.uniform<i8:f32, 0.1:5>>
  return %2 : tensor<1x8x4x4x!quant.uniform<i8:f32, 0.1:5>>
}

// -----

// int8 depthwise 3x3 whose padded rows (130 bytes) are too wide for the Helium
// kernel's byte gathers: Cortex-M55 takes its next variant, the DSP kernel.
// GEN-LABEL: func.func @main
// GEN: kernel.call "dwconv3x3_s8" ins({{.*}} : memref<1x8x4x128xi8>, memref<8x1x3x3xi8>, memref<8xi32>) outs({{.*}} : memref<1x8x4x128xi8>)
// M4-LABEL: func.func @main
// M4: kernel.call "dwconv3x3_s8_dsp" ins({{.*}} : memref<1x8x4x128xi8>, memref<8x1x3x3xi8>) outs({{.*}} : memref<408xi8>, memref<1x8x4x128xi8>)
// M4S-LABEL: func.func @main
// M4S: kernel.call "dwconv3x3_s8_dsp" ins({{.*}} : memref<1x8x4x128xi8>, memref<8x1x3x3xi8>) outs({{.*}} : memref<408xi8>, memref<1x8x4x128xi8>)
// M55-LABEL: func.func @main
// M55: kernel.call "dwconv3x3_s8_dsp" ins({{.*}} : memref<1x8x4x128xi8>, memref<8x1x3x3xi8>) outs({{.*}} : memref<408xi8>, memref<1x8x4x128xi8>)
// M0-LABEL: func.func @main
// M0: kernel.call "dwconv3x3_s8_scalar" ins({{.*}} : memref<1x8x4x128xi8>, memref<8x1x3x3xi8>) outs({{.*}} : memref<780xi8>, memref<1x8x4x128xi8>)
// RV-LABEL: func.func @main
// RV: kernel.call "dwconv3x3_s8_scalar" ins({{.*}} : memref<1x8x4x128xi8>, memref<8x1x3x3xi8>) outs({{.*}} : memref<780xi8>, memref<1x8x4x128xi8>)
// RVS-LABEL: func.func @main
// RVS: kernel.call "dwconv3x3_s8_scalar" ins({{.*}} : memref<1x8x4x128xi8>, memref<8x1x3x3xi8>) outs({{.*}} : memref<780xi8>, memref<1x8x4x128xi8>)
// SSE-LABEL: func.func @main
// SSE: kernel.call "dwconv3x3_s8_sse41" ins({{.*}} : memref<1x8x4x128xi8>, memref<8x1x3x3xi8>) outs({{.*}} : memref<788xi8>, memref<1x8x4x128xi8>)
// AVX-LABEL: func.func @main
// AVX: kernel.call "dwconv3x3_s8_avx2" ins({{.*}} : memref<1x8x4x128xi8>, memref<8x1x3x3xi8>) outs({{.*}} : memref<788xi8>, memref<1x8x4x128xi8>)
func.func @main(%x: tensor<1x8x4x128x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x8x4x128x!quant.uniform<i8:f32, 0.1:5>> {
  %w = arith.constant dense<4> : tensor<8x1x3x3xi8>
  %1 = "quant.scast"(%w) : (tensor<8x1x3x3xi8>) -> tensor<8x1x3x3x!quant.uniform<i8:f32, 0.01>>
  %b = arith.constant dense<7> : tensor<8xi32>
  %2 = nn.conv2d %x, %1, %b {dilations = array<i64: 1, 1>, groups = 8 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x8x4x128x!quant.uniform<i8:f32, 0.05:-3>>, tensor<8x1x3x3x!quant.uniform<i8:f32, 0.01>>, tensor<8xi32>) -> tensor<1x8x4x128x!quant.uniform<i8:f32, 0.1:5>>
  return %2 : tensor<1x8x4x128x!quant.uniform<i8:f32, 0.1:5>>
}

// -----

// int8 fully connected.
// GEN-LABEL: func.func @main
// GEN: kernel.call "fully_connected_s8" ins({{.*}} : memref<1x32xi8>, memref<10x32xi8>, memref<10xi32>) outs({{.*}} : memref<1x10xi8>) {args = [1 : i32, 32 : i32, 10 : i32, 3 : i32, 5 : i32, array<i32: 1374389504, 1374389504, 1374389504, 1374389504, 1374389504, 1374389504, 1374389504, 1374389504, 1374389504, 1374389504>, array<i32: -7, -7, -7, -7, -7, -7, -7, -7, -7, -7>, -128 : i32, 127 : i32]
// M4-LABEL: func.func @main
// M4: kernel.call "fully_connected_s8_dsp_w16" ins({{.*}} : memref<1x32xi8>, memref<192xi32>) outs({{.*}} : memref<16xi32>, memref<1x10xi8>) {args = [1 : i32, 32 : i32, 10 : i32, array<i32: 460, 460, 460, 460, 460, 460, 460, 460, 460, 460>, 5 : i32, array<i32: 1374389504, 1374389504, 1374389504, 1374389504, 1374389504, 1374389504, 1374389504, 1374389504, 1374389504, 1374389504>, array<i32: -7, -7, -7, -7, -7, -7, -7, -7, -7, -7>, -128 : i32, 127 : i32]
// M4S-LABEL: func.func @main
// M4S: kernel.call "fully_connected_s8_dsp" ins({{.*}} : memref<1x32xi8>, memref<10x32xi8>) outs({{.*}} : memref<1x10xi8>)
// M55-LABEL: func.func @main
// M55: kernel.call "fully_connected_s8_mve" ins({{.*}} : memref<1x32xi8>, memref<80xi32>) outs({{.*}} : memref<8xi32>, memref<1x10xi8>)
// M0-LABEL: func.func @main
// M0: kernel.call "fully_connected_s8_scalar" ins({{.*}} : memref<1x32xi8>, memref<10x32xi8>) outs({{.*}} : memref<1x10xi8>)
// RV-LABEL: func.func @main
// RV: kernel.call "fully_connected_s8_scalar" ins({{.*}} : memref<1x32xi8>, memref<10x32xi8>) outs({{.*}} : memref<1x10xi8>)
// RVS-LABEL: func.func @main
// RVS: kernel.call "fully_connected_s8_scalar" ins({{.*}} : memref<1x32xi8>, memref<10x32xi8>) outs({{.*}} : memref<1x10xi8>)
// SSE-LABEL: func.func @main
// SSE: kernel.call "fully_connected_s8_sse41" ins({{.*}} : memref<1x32xi8>, memref<10x32xi8>) outs({{.*}} : memref<1x10xi8>)
// AVX-LABEL: func.func @main
// AVX: kernel.call "fully_connected_s8_avx2" ins({{.*}} : memref<1x32xi8>, memref<10x32xi8>) outs({{.*}} : memref<1x10xi8>)
func.func @main(%x: tensor<1x32x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x10x!quant.uniform<i8:f32, 0.1:5>> {
  %w = arith.constant dense<5> : tensor<10x32xi8>
  %1 = "quant.scast"(%w) : (tensor<10x32xi8>) -> tensor<10x32x!quant.uniform<i8:f32, 0.01>>
  %b = arith.constant dense<-20> : tensor<10xi32>
  %2 = nn.fully_connected %x, %1, %b : (tensor<1x32x!quant.uniform<i8:f32, 0.05:-3>>, tensor<10x32x!quant.uniform<i8:f32, 0.01>>, tensor<10xi32>) -> tensor<1x10x!quant.uniform<i8:f32, 0.1:5>>
  return %2 : tensor<1x10x!quant.uniform<i8:f32, 0.1:5>>
}

// -----

// int8 Add of equal shapes.
// GEN-LABEL: func.func @main
// GEN: kernel.call "add_s8" ins({{.*}} : memref<1x64xi8>, memref<1x64xi8>) outs({{.*}} : memref<1x64xi8>) {args = [64 : i32, 3 : i32, -2 : i32, 5 : i32, 20 : i32, 1073741824 : i32, 0 : i32, 1717986854 : i32, -1 : i32, 1073741824 : i32, -19 : i32, -128 : i32, 127 : i32]
// M4-LABEL: func.func @main
// M4: kernel.call "add_s8" ins({{.*}} : memref<1x64xi8>, memref<1x64xi8>) outs({{.*}} : memref<1x64xi8>)
// M4S-LABEL: func.func @main
// M4S: kernel.call "add_s8" ins({{.*}} : memref<1x64xi8>, memref<1x64xi8>) outs({{.*}} : memref<1x64xi8>)
// M55-LABEL: func.func @main
// M55: kernel.call "add_s8_mve" ins({{.*}} : memref<1x64xi8>, memref<1x64xi8>) outs({{.*}} : memref<1x64xi8>)
// M0-LABEL: func.func @main
// M0: kernel.call "add_s8" ins({{.*}} : memref<1x64xi8>, memref<1x64xi8>) outs({{.*}} : memref<1x64xi8>)
// RV-LABEL: func.func @main
// RV: kernel.call "add_s8" ins({{.*}} : memref<1x64xi8>, memref<1x64xi8>) outs({{.*}} : memref<1x64xi8>)
// RVS-LABEL: func.func @main
// RVS: kernel.call "add_s8" ins({{.*}} : memref<1x64xi8>, memref<1x64xi8>) outs({{.*}} : memref<1x64xi8>)
// SSE-LABEL: func.func @main
// SSE: kernel.call "add_s8_sse41" ins({{.*}} : memref<1x64xi8>, memref<1x64xi8>) outs({{.*}} : memref<1x64xi8>)
// AVX-LABEL: func.func @main
// AVX: kernel.call "add_s8_avx2" ins({{.*}} : memref<1x64xi8>, memref<1x64xi8>) outs({{.*}} : memref<1x64xi8>) {args = [64 : i32, 3 : i32, -2 : i32, 5 : i32, 20 : i32, 1073741824 : i32, 0 : i32, 1717986854 : i32, -1 : i32, 1073741824 : i32, -19 : i32, -128 : i32, 127 : i32]
func.func @main(%x: tensor<1x64x!quant.uniform<i8:f32, 0.05:-3>>, %y: tensor<1x64x!quant.uniform<i8:f32, 0.04:2>>) -> tensor<1x64x!quant.uniform<i8:f32, 0.1:5>> {
  %0 = nn.binary add %x, %y : (tensor<1x64x!quant.uniform<i8:f32, 0.05:-3>>, tensor<1x64x!quant.uniform<i8:f32, 0.04:2>>) -> tensor<1x64x!quant.uniform<i8:f32, 0.1:5>>
  return %0 : tensor<1x64x!quant.uniform<i8:f32, 0.1:5>>
}

// -----

// float 3x3 convolution, stride 1, 8 channels on 8x8: Winograd F(2x2,3x3) on
// AVX2 (F(4x4,3x3) needs rows of 16), the FPU tile on Cortex-M4, none without FPU.
// GEN-LABEL: func.func @main
// GEN: kernel.call "conv2d_f32" ins({{.*}} : memref<1x8x8x8xf32>, memref<8x8x3x3xf32>, memref<8xf32>) outs({{.*}} : memref<1x8x8x8xf32>)
// M4-LABEL: func.func @main
// M4: kernel.call "conv2d_f32_fpu" ins({{.*}} : memref<1x8x8x8xf32>, memref<576xf32>, memref<8xf32>) outs({{.*}} : memref<288xf32>, memref<1x8x8x8xf32>)
// M4S-LABEL: func.func @main
// M4S: kernel.call "conv2d_f32_fpu" ins({{.*}} : memref<1x8x8x8xf32>, memref<576xf32>, memref<8xf32>) outs({{.*}} : memref<288xf32>, memref<1x8x8x8xf32>)
// M55-LABEL: func.func @main
// M55: kernel.call "conv2d_f32_mve" ins({{.*}} : memref<1x8x8x8xf32>, memref<576xf32>, memref<8xf32>) outs({{.*}} : memref<808xf32>, memref<1x8x8x8xf32>)
// M0-LABEL: func.func @main
// M0: kernel.call "conv2d_f32" ins({{.*}} : memref<1x8x8x8xf32>, memref<8x8x3x3xf32>, memref<8xf32>) outs({{.*}} : memref<1x8x8x8xf32>)
// RV-LABEL: func.func @main
// RV: kernel.call "conv2d_f32" ins({{.*}} : memref<1x8x8x8xf32>, memref<8x8x3x3xf32>, memref<8xf32>) outs({{.*}} : memref<1x8x8x8xf32>)
// RVS-LABEL: func.func @main
// RVS: kernel.call "conv2d_f32" ins({{.*}} : memref<1x8x8x8xf32>, memref<8x8x3x3xf32>, memref<8xf32>) outs({{.*}} : memref<1x8x8x8xf32>)
// SSE-LABEL: func.func @main
// SSE: kernel.call "conv2d_f32_sse41" ins({{.*}} : memref<1x8x8x8xf32>, memref<576xf32>, memref<8xf32>) outs({{.*}} : memref<808xf32>, memref<1x8x8x8xf32>)
// AVX-LABEL: func.func @main
// AVX: kernel.call "conv3x3_f32_wino_avx2" ins({{.*}} : memref<1x8x8x8xf32>, memref<1024xf32>, memref<8xf32>) outs({{.*}} : memref<25888xf32>, memref<1x8x8x8xf32>)
func.func @main(%x: tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> {
  %w = arith.constant dense<0.5> : tensor<8x8x3x3xf32>
  %b = arith.constant dense<0.25> : tensor<8xf32>
  %0 = nn.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x8x8x8xf32>, tensor<8x8x3x3xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  return %0 : tensor<1x8x8x8xf32>
}

// -----

// float depthwise 3x3.
// GEN-LABEL: func.func @main
// GEN: kernel.call "conv2d_f32" ins({{.*}} : memref<1x8x8x8xf32>, memref<8x1x3x3xf32>, memref<8xf32>) outs({{.*}} : memref<1x8x8x8xf32>)
// M4-LABEL: func.func @main
// M4: kernel.call "dwconv3x3_f32_fpu" ins({{.*}} : memref<1x8x8x8xf32>, memref<8x1x3x3xf32>, memref<8xf32>) outs({{.*}} : memref<100xf32>, memref<1x8x8x8xf32>)
// M4S-LABEL: func.func @main
// M4S: kernel.call "dwconv3x3_f32_fpu" ins({{.*}} : memref<1x8x8x8xf32>, memref<8x1x3x3xf32>, memref<8xf32>) outs({{.*}} : memref<100xf32>, memref<1x8x8x8xf32>)
// M55-LABEL: func.func @main
// M55: kernel.call "dwconv_f32_mve" ins({{.*}} : memref<1x8x8x8xf32>, memref<8x1x3x3xf32>, memref<8xf32>) outs({{.*}} : memref<108xf32>, memref<1x8x8x8xf32>)
// M0-LABEL: func.func @main
// M0: kernel.call "conv2d_f32" ins({{.*}} : memref<1x8x8x8xf32>, memref<8x1x3x3xf32>, memref<8xf32>) outs({{.*}} : memref<1x8x8x8xf32>)
// RV-LABEL: func.func @main
// RV: kernel.call "conv2d_f32" ins({{.*}} : memref<1x8x8x8xf32>, memref<8x1x3x3xf32>, memref<8xf32>) outs({{.*}} : memref<1x8x8x8xf32>)
// RVS-LABEL: func.func @main
// RVS: kernel.call "conv2d_f32" ins({{.*}} : memref<1x8x8x8xf32>, memref<8x1x3x3xf32>, memref<8xf32>) outs({{.*}} : memref<1x8x8x8xf32>)
// SSE-LABEL: func.func @main
// SSE: kernel.call "dwconv_f32_sse41" ins({{.*}} : memref<1x8x8x8xf32>, memref<8x1x3x3xf32>, memref<8xf32>) outs({{.*}} : memref<108xf32>, memref<1x8x8x8xf32>)
// AVX-LABEL: func.func @main
// AVX: kernel.call "dwconv_f32_avx2" ins({{.*}} : memref<1x8x8x8xf32>, memref<72xf32>, memref<8xf32>) outs({{.*}} : memref<1368xf32>, memref<1x8x8x8xf32>)
func.func @main(%x: tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> {
  %w = arith.constant dense<0.5> : tensor<8x1x3x3xf32>
  %b = arith.constant dense<0.25> : tensor<8xf32>
  %0 = nn.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, groups = 8 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x8x8x8xf32>, tensor<8x1x3x3xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  return %0 : tensor<1x8x8x8xf32>
}

// -----

// float fully connected and a residual Add.
// GEN-LABEL: func.func @main
// GEN: kernel.call "fully_connected_f32" ins({{.*}} : memref<1x32xf32>, memref<10x32xf32>, memref<10xf32>) outs({{.*}} : memref<1x10xf32>)
// GEN: kernel.call "add_f32" ins({{.*}} : memref<1x10xf32>, memref<1x10xf32>) outs({{.*}} : memref<1x10xf32>)
// M4-LABEL: func.func @main
// M4: kernel.call "fully_connected_f32_fpu" ins({{.*}} : memref<1x32xf32>, memref<10x32xf32>, memref<10xf32>) outs({{.*}} : memref<1x10xf32>)
// M4: kernel.call "add_f32" ins({{.*}} : memref<1x10xf32>, memref<1x10xf32>) outs({{.*}} : memref<1x10xf32>)
// M4S-LABEL: func.func @main
// M4S: kernel.call "fully_connected_f32_fpu" ins({{.*}} : memref<1x32xf32>, memref<10x32xf32>, memref<10xf32>) outs({{.*}} : memref<1x10xf32>)
// M4S: kernel.call "add_f32" ins({{.*}} : memref<1x10xf32>, memref<1x10xf32>) outs({{.*}} : memref<1x10xf32>)
// M55-LABEL: func.func @main
// M55: kernel.call "fully_connected_f32_fpu" ins({{.*}} : memref<1x32xf32>, memref<10x32xf32>, memref<10xf32>) outs({{.*}} : memref<1x10xf32>)
// M55: kernel.call "add_f32" ins({{.*}} : memref<1x10xf32>, memref<1x10xf32>) outs({{.*}} : memref<1x10xf32>)
// M0-LABEL: func.func @main
// M0: kernel.call "fully_connected_f32" ins({{.*}} : memref<1x32xf32>, memref<10x32xf32>, memref<10xf32>) outs({{.*}} : memref<1x10xf32>)
// M0: kernel.call "add_f32" ins({{.*}} : memref<1x10xf32>, memref<1x10xf32>) outs({{.*}} : memref<1x10xf32>)
// RV-LABEL: func.func @main
// RV: kernel.call "fully_connected_f32" ins({{.*}} : memref<1x32xf32>, memref<10x32xf32>, memref<10xf32>) outs({{.*}} : memref<1x10xf32>)
// RV: kernel.call "add_f32" ins({{.*}} : memref<1x10xf32>, memref<1x10xf32>) outs({{.*}} : memref<1x10xf32>)
// RVS-LABEL: func.func @main
// RVS: kernel.call "fully_connected_f32" ins({{.*}} : memref<1x32xf32>, memref<10x32xf32>, memref<10xf32>) outs({{.*}} : memref<1x10xf32>)
// RVS: kernel.call "add_f32" ins({{.*}} : memref<1x10xf32>, memref<1x10xf32>) outs({{.*}} : memref<1x10xf32>)
// SSE-LABEL: func.func @main
// SSE: kernel.call "fully_connected_f32_sse41" ins({{.*}} : memref<1x32xf32>, memref<10x32xf32>, memref<10xf32>) outs({{.*}} : memref<1x10xf32>)
// SSE: kernel.call "add_same_f32_sse41" ins({{.*}} : memref<1x10xf32>, memref<1x10xf32>) outs({{.*}} : memref<1x10xf32>)
// AVX-LABEL: func.func @main
// AVX: kernel.call "fully_connected_f32_avx2" ins({{.*}} : memref<1x32xf32>, memref<10x32xf32>, memref<10xf32>) outs({{.*}} : memref<1x10xf32>)
// AVX: kernel.call "add_same_f32_avx2" ins({{.*}} : memref<1x10xf32>, memref<1x10xf32>) outs({{.*}} : memref<1x10xf32>)
func.func @main(%x: tensor<1x32xf32>, %r: tensor<1x10xf32>) -> tensor<1x10xf32> {
  %w = arith.constant dense<0.5> : tensor<10x32xf32>
  %b = arith.constant dense<0.25> : tensor<10xf32>
  %0 = nn.fully_connected %x, %w, %b : (tensor<1x32xf32>, tensor<10x32xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  %1 = nn.binary add %0, %r : (tensor<1x10xf32>, tensor<1x10xf32>) -> tensor<1x10xf32>
  return %1 : tensor<1x10xf32>
}

// -----

// int4 3x3 convolution, one group: the Arm DSP kernel's words (channel pairs,
// 8 taps a word: 8 x 40 taps / 8 = 40 words), its int16 column (40 words), the
// DSP requantization (`exact` 0, before lo hi); Helium's bytes 16a + b (4 pairs
// x 48 bytes) and int8 column; elsewhere the portable kernel (rows of 18 bytes).
// x86-64-avx2: 4-channel blocks of 16 bytes per 8 taps (2 blocks x 40 taps / 2
// = 160 bytes), the padded copy (408 bytes), a 16-pixel unsigned column (160
// words), a block's decoded weights (40 words), and the bias less 128 x each
// channel's weight sum (424 - 128 x 108 = -13400; the column holds x + 128).
// GEN-LABEL: func.func @main
// GEN: kernel.call "conv2d_s8_w4" ins({{.*}} : memref<1x4x8x8xi8>, memref<144xui8>, memref<8xi32>) outs({{.*}} : memref<36xi8>, memref<1x8x8x8xi8>)
// M4-LABEL: func.func @main
// M4: kernel.call "conv_s8_w4_dsp" ins({{.*}} : memref<1x4x8x8xi8>, memref<40xi32>) outs({{.*}} : memref<40xi32>, memref<1x8x8x8xi8>) {args = [{{.*}}, array<i32: -7, -7, -7, -7, -7, -7, -7, -7>, 0 : i32, -128 : i32, 127 : i32]
// M4S-LABEL: func.func @main
// M4S: kernel.call "conv_s8_w4_dsp" ins({{.*}} : memref<1x4x8x8xi8>, memref<40xi32>) outs({{.*}} : memref<40xi32>, memref<1x8x8x8xi8>)
// M55-LABEL: func.func @main
// M55: kernel.call "conv_s8_w4_mve" ins({{.*}} : memref<1x4x8x8xi8>, memref<72xi32>) outs({{.*}} : memref<48xi32>, memref<1x8x8x8xi8>)
// RV-LABEL: func.func @main
// RV: kernel.call "conv2d_s8_w4" ins({{.*}} : memref<1x4x8x8xi8>, memref<144xui8>, memref<8xi32>) outs({{.*}} : memref<36xi8>, memref<1x8x8x8xi8>)
// AVX-LABEL: func.func @main
// AVX: kernel.call "conv_s8_w4_avx2" ins({{.*}} : memref<1x4x8x8xi8>, memref<160xui8>) outs({{.*}} : memref<408xi8>, memref<160xi32>, memref<40xi32>, memref<1x8x8x8xi8>) {args = [1 : i32, 4 : i32, 8 : i32, 8 : i32, 8 : i32, 36 : i32, 8 : i32, 8 : i32, 1 : i32, 1 : i32, 1 : i32, 1 : i32, 10 : i32, 10 : i32, 0 : i32, array<i32: 0, 1, 2, 10, 11, 12, 20, 21, 22, 100, {{.*}}, 322, 0, 0, 0, 0>, -3 : i32, 5 : i32, array<i32: -13400, -13400, -13400, -13400, -13400, -13400, -13400, -13400>, array<i32: 1374389504, {{.*}}>, array<i32: -7, {{.*}}>, -128 : i32, 127 : i32]
func.func @main(%x: tensor<1x4x8x8x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.1:5>> {
  %w = arith.constant dense<3> : tensor<8x4x3x3xi4>
  %1 = "quant.scast"(%w) : (tensor<8x4x3x3xi4>) -> tensor<8x4x3x3x!quant.uniform<i4:f32, 0.01>>
  %b = arith.constant dense<100> : tensor<8xi32>
  %2 = nn.conv2d %x, %1, %b {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.05:-3>>, tensor<8x4x3x3x!quant.uniform<i4:f32, 0.01>>, tensor<8xi32>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.1:5>>
  return %2 : tensor<1x8x8x8x!quant.uniform<i8:f32, 0.1:5>>
}

// -----

// int4 depthwise 3x3: the weights 4 bits each with no alignment between
// channels (4 x 9 / 2 = 18 bytes), unpacked into scratch (36 bytes) for the
// int8 DSP / Helium / scalar kernel; on x86-64-avx2 the int8 AVX2 kernel's phase-split plane (108 bytes).
// GEN-LABEL: func.func @main
// GEN: kernel.call "conv2d_s8_w4" ins({{.*}} : memref<1x4x8x8xi8>, memref<20xui8>, memref<4xi32>) outs({{.*}} : memref<9xi8>, memref<1x4x8x8xi8>)
// M4-LABEL: func.func @main
// M4: kernel.call "dwconv3x3_s8_w4_dsp" ins({{.*}} : memref<1x4x8x8xi8>, memref<18xui8>) outs({{.*}} : memref<36xi8>, memref<48xi8>, memref<1x4x8x8xi8>)
// M4S-LABEL: func.func @main
// M4S: kernel.call "dwconv3x3_s8_w4_scalar" ins({{.*}} : memref<1x4x8x8xi8>, memref<18xui8>) outs({{.*}} : memref<36xi8>, memref<100xi8>, memref<1x4x8x8xi8>)
// M55-LABEL: func.func @main
// M55: kernel.call "dwconv3x3_s8_w4_mve" ins({{.*}} : memref<1x4x8x8xi8>, memref<18xui8>) outs({{.*}} : memref<36xi8>, memref<100xi8>, memref<1x4x8x8xi8>)
// RV-LABEL: func.func @main
// RV: kernel.call "dwconv3x3_s8_w4_scalar" ins({{.*}} : memref<1x4x8x8xi8>, memref<18xui8>) outs({{.*}} : memref<36xi8>, memref<100xi8>, memref<1x4x8x8xi8>)
// AVX-LABEL: func.func @main
// AVX: kernel.call "dwconv3x3_s8_w4_avx2" ins({{.*}} : memref<1x4x8x8xi8>, memref<18xui8>) outs({{.*}} : memref<36xi8>, memref<108xi8>, memref<1x4x8x8xi8>)
func.func @main(%x: tensor<1x4x8x8x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:5>> {
  %w = arith.constant dense<-2> : tensor<4x1x3x3xi4>
  %1 = "quant.scast"(%w) : (tensor<4x1x3x3xi4>) -> tensor<4x1x3x3x!quant.uniform<i4:f32, 0.01>>
  %b = arith.constant dense<100> : tensor<4xi32>
  %2 = nn.conv2d %x, %1, %b {dilations = array<i64: 1, 1>, groups = 4 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.05:-3>>, tensor<4x1x3x3x!quant.uniform<i4:f32, 0.01>>, tensor<4xi32>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:5>>
  return %2 : tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:5>>
}

// -----

// int4 depthwise 3x3 whose requantization multiplier is 0.75 (shift 0, outside
// the DSP form): on Cortex-M4 the scalar kernel (TFLite's requantization); the
// Helium and AVX2 kernels requantize every layer as TFLite does (its tables).
// M4-LABEL: func.func @main
// M4: kernel.call "dwconv3x3_s8_w4_scalar" ins({{.*}} : memref<1x4x8x8xi8>, memref<18xui8>) outs({{.*}} : memref<36xi8>, memref<100xi8>, memref<1x4x8x8xi8>)
// M55-LABEL: func.func @main
// M55: kernel.call "dwconv3x3_s8_w4_mve" ins({{.*}} : memref<1x4x8x8xi8>, memref<18xui8>) outs({{.*}} : memref<36xi8>, memref<100xi8>, memref<1x4x8x8xi8>) {args = [{{.*}}, array<i32: 1610612736, 1610612736, 1610612736, 1610612736>, array<i32: 0, 0, 0, 0>, -128 : i32, 127 : i32]
// AVX-LABEL: func.func @main
// AVX: kernel.call "dwconv3x3_s8_w4_avx2" ins({{.*}} : memref<1x4x8x8xi8>, memref<18xui8>) outs({{.*}} : memref<36xi8>, memref<108xi8>, memref<1x4x8x8xi8>)
// GEN-LABEL: func.func @main
// M4S-LABEL: func.func @main
// RV-LABEL: func.func @main
func.func @main(%x: tensor<1x4x8x8x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:5>> {
  %w = arith.constant dense<-2> : tensor<4x1x3x3xi4>
  %1 = "quant.scast"(%w) : (tensor<4x1x3x3xi4>) -> tensor<4x1x3x3x!quant.uniform<i4:f32, 1.5>>
  %b = arith.constant dense<100> : tensor<4xi32>
  %2 = nn.conv2d %x, %1, %b {dilations = array<i64: 1, 1>, groups = 4 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.05:-3>>, tensor<4x1x3x3x!quant.uniform<i4:f32, 1.5>>, tensor<4xi32>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:5>>
  return %2 : tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:5>>
}

// -----

// int2 3x3 convolution: the DSP kernel's words of 16 taps (4 pairs x 48 taps /
// 16 x 2 = 24 words) on the Cortex-M4 and, Helium having no 2-bit kernel, on
// the Cortex-M55; on x86-64-avx2 16 bytes per 4 channels x 16 taps (2 blocks
// x 48 taps / 4 = 96 bytes).
// GEN-LABEL: func.func @main
// GEN: kernel.call "conv2d_s8_w2" ins({{.*}} : memref<1x4x8x8xi8>, memref<72xui8>, memref<8xi32>) outs({{.*}} : memref<36xi8>, memref<1x8x8x8xi8>)
// M4-LABEL: func.func @main
// M4: kernel.call "conv_s8_w2_dsp" ins({{.*}} : memref<1x4x8x8xi8>, memref<24xi32>) outs({{.*}} : memref<48xi32>, memref<1x8x8x8xi8>)
// M55-LABEL: func.func @main
// M55: kernel.call "conv_s8_w2_dsp" ins({{.*}} : memref<1x4x8x8xi8>, memref<24xi32>) outs({{.*}} : memref<48xi32>, memref<1x8x8x8xi8>)
// AVX-LABEL: func.func @main
// AVX: kernel.call "conv_s8_w2_avx2" ins({{.*}} : memref<1x4x8x8xi8>, memref<96xui8>) outs({{.*}} : memref<408xi8>, memref<192xi32>, memref<48xi32>, memref<1x8x8x8xi8>)
// M4S-LABEL: func.func @main
// RV-LABEL: func.func @main
func.func @main(%x: tensor<1x4x8x8x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.1:5>> {
  %w = arith.constant dense<1> : tensor<8x4x3x3xi2>
  %1 = "quant.scast"(%w) : (tensor<8x4x3x3xi2>) -> tensor<8x4x3x3x!quant.uniform<i2:f32, 0.01>>
  %b = arith.constant dense<100> : tensor<8xi32>
  %2 = nn.conv2d %x, %1, %b {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.05:-3>>, tensor<8x4x3x3x!quant.uniform<i2:f32, 0.01>>, tensor<8xi32>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.1:5>>
  return %2 : tensor<1x8x8x8x!quant.uniform<i8:f32, 0.1:5>>
}

// -----

// int4 fully connected: channel quads (2 quads x 24 taps / 2 = 24 words) and
// the widened input row (12 words) on the DSP; channel pairs (3 x 32 bytes) and
// the copied row (8 words) on Helium; a multiplier of 0.75 (weight scale 1.5)
// takes TFLite's requantization (`exact` 1). x86-64-avx2: rows of 20 taps (no
// 64-tap block) as a tail of 10 bytes of w + 8, 32 bytes after the last row
// (6 x 10 + 32 = 92), the tail's inputs copied into 64 bytes, TFLite's
// requantization for both.
// GEN-LABEL: func.func @main
// GEN: kernel.call "fully_connected_s8_w4" ins({{.*}} : memref<1x20xi8>, memref<60xui8>) outs({{.*}} : memref<1x6xi8>)
// M4-LABEL: func.func @main
// M4: kernel.call "fully_connected_s8_w4_dsp" ins({{.*}} : memref<1x20xi8>, memref<24xi32>) outs({{.*}} : memref<12xi32>, memref<1x6xi8>) {args = [1 : i32, 20 : i32, 6 : i32, array<i32: 310, 310, 310, 310, 310, 310>, 5 : i32, array<i32: 1374389504, {{.*}}>, array<i32: -7, {{.*}}>, 0 : i32, -128 : i32, 127 : i32]
// M4: kernel.call "fully_connected_s8_w4_dsp" ins({{.*}} : memref<1x20xi8>, memref<24xi32>) outs({{.*}} : memref<12xi32>, memref<1x6xi8>) {args = [1 : i32, 20 : i32, 6 : i32, array<i32: 310, 310, 310, 310, 310, 310>, 5 : i32, array<i32: 1610612736, {{.*}}>, array<i32: 0, {{.*}}>, 1 : i32, -128 : i32, 127 : i32]
// M55-LABEL: func.func @main
// M55: kernel.call "fully_connected_s8_w4_mve" ins({{.*}} : memref<1x20xi8>, memref<24xi32>) outs({{.*}} : memref<8xi32>, memref<1x6xi8>)
// M55: kernel.call "fully_connected_s8_w4_mve" ins({{.*}} : memref<1x20xi8>, memref<24xi32>) outs({{.*}} : memref<8xi32>, memref<1x6xi8>)
// RV-LABEL: func.func @main
// RV: kernel.call "fully_connected_s8_w4" ins({{.*}} : memref<1x20xi8>, memref<60xui8>) outs({{.*}} : memref<1x6xi8>)
// AVX-LABEL: func.func @main
// AVX: kernel.call "fully_connected_s8_w4_avx2" ins({{.*}} : memref<1x20xi8>, memref<92xui8>) outs({{.*}} : memref<64xi8>, memref<1x6xi8>) {args = [1 : i32, 20 : i32, 6 : i32, array<i32: 310, 310, 310, 310, 310, 310>, 5 : i32, array<i32: 1374389504, {{.*}}>, array<i32: -7, {{.*}}>, -128 : i32, 127 : i32]
// AVX: kernel.call "fully_connected_s8_w4_avx2" ins({{.*}} : memref<1x20xi8>, memref<92xui8>) outs({{.*}} : memref<64xi8>, memref<1x6xi8>) {args = [1 : i32, 20 : i32, 6 : i32, array<i32: 310, 310, 310, 310, 310, 310>, 5 : i32, array<i32: 1610612736, {{.*}}>, array<i32: 0, {{.*}}>, -128 : i32, 127 : i32]
// M4S-LABEL: func.func @main
func.func @main(%x: tensor<1x20x!quant.uniform<i8:f32, 0.05:-3>>) -> (tensor<1x6x!quant.uniform<i8:f32, 0.1:5>>, tensor<1x6x!quant.uniform<i8:f32, 0.1:5>>) {
  %w = arith.constant dense<5> : tensor<6x20xi4>
  %1 = "quant.scast"(%w) : (tensor<6x20xi4>) -> tensor<6x20x!quant.uniform<i4:f32, 0.01>>
  %b = arith.constant dense<10> : tensor<6xi32>
  %2 = nn.fully_connected %x, %1, %b : (tensor<1x20x!quant.uniform<i8:f32, 0.05:-3>>, tensor<6x20x!quant.uniform<i4:f32, 0.01>>, tensor<6xi32>) -> tensor<1x6x!quant.uniform<i8:f32, 0.1:5>>
  %3 = "quant.scast"(%w) : (tensor<6x20xi4>) -> tensor<6x20x!quant.uniform<i4:f32, 1.5>>
  %4 = nn.fully_connected %x, %3, %b : (tensor<1x20x!quant.uniform<i8:f32, 0.05:-3>>, tensor<6x20x!quant.uniform<i4:f32, 1.5>>, tensor<6xi32>) -> tensor<1x6x!quant.uniform<i8:f32, 0.1:5>>
  return %2, %4 : tensor<1x6x!quant.uniform<i8:f32, 0.1:5>>, tensor<1x6x!quant.uniform<i8:f32, 0.1:5>>
}

// -----

// 2-bit (here ternary values) fully connected: channel pairs, a word per channel and 16 taps
// (3 pairs x 2 groups x 2 = 12 words), the widened row padded to 16 taps (16 words).
// M4-LABEL: func.func @main
// M4: kernel.call "fully_connected_s8_w2_dsp" ins({{.*}} : memref<1x20xi8>, memref<12xi32>) outs({{.*}} : memref<16xi32>, memref<1x6xi8>)
// M55-LABEL: func.func @main
// M55: kernel.call "fully_connected_s8_w2_dsp" ins({{.*}} : memref<1x20xi8>, memref<12xi32>) outs({{.*}} : memref<16xi32>, memref<1x6xi8>)
// AVX-LABEL: func.func @main
// AVX: kernel.call "fully_connected_s8_w2_avx2" ins({{.*}} : memref<1x20xi8>, memref<62xui8>) outs({{.*}} : memref<128xi8>, memref<1x6xi8>)
// GEN-LABEL: func.func @main
// M4S-LABEL: func.func @main
// RV-LABEL: func.func @main
func.func @main(%x: tensor<1x20x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x6x!quant.uniform<i8:f32, 0.1:5>> {
  %w = arith.constant dense<-1> : tensor<6x20xi2>
  %1 = "quant.scast"(%w) : (tensor<6x20xi2>) -> tensor<6x20x!quant.uniform<i2:f32, 0.01>>
  %b = arith.constant dense<10> : tensor<6xi32>
  %2 = nn.fully_connected %x, %1, %b : (tensor<1x20x!quant.uniform<i8:f32, 0.05:-3>>, tensor<6x20x!quant.uniform<i2:f32, 0.01>>, tensor<6xi32>) -> tensor<1x6x!quant.uniform<i8:f32, 0.1:5>>
  return %2 : tensor<1x6x!quant.uniform<i8:f32, 0.1:5>>
}

// -----

// int8 convolution whose multiplier is 0.75 (0.05 x 1.5 / 0.1: shift 0, outside the DSP form): Helium's
// conv_s8_mve_exact with TFLite's tables and `exact` 1; the Cortex-M4 DSP kernels do not take it.
// M55-LABEL: func.func @main
// M55: kernel.call "conv_s8_mve_exact" ins({{.*}} : memref<1x4x8x8xi8>, memref<120xi32>) outs({{.*}} : memref<48xi32>, memref<1x8x8x8xi8>) {args = [{{.*}}, array<i32: 1610612736, 1610612736, 1610612736, 1610612736, 1610612736, 1610612736, 1610612736, 1610612736>, array<i32: 0, 0, 0, 0, 0, 0, 0, 0>, 1 : i32, -128 : i32, 127 : i32]
// M4-LABEL: func.func @main
// M4: kernel.call "conv2d_s8_folded"
func.func @main(%x: tensor<1x4x8x8x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.1:5>> {
  %w = arith.constant dense<3> : tensor<8x4x3x3xi8>
  %1 = "quant.scast"(%w) : (tensor<8x4x3x3xi8>) -> tensor<8x4x3x3x!quant.uniform<i8:f32, 1.5>>
  %b = arith.constant dense<100> : tensor<8xi32>
  %2 = nn.conv2d %x, %1, %b {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.05:-3>>, tensor<8x4x3x3x!quant.uniform<i8:f32, 1.5>>, tensor<8xi32>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.1:5>>
  return %2 : tensor<1x8x8x8x!quant.uniform<i8:f32, 0.1:5>>
}
