// RUN: emlc-opt %s -split-input-file -emlc-convert-nn-to-kernel | FileCheck %s

// Inputs and outputs become memref arguments; the producer of a returned value
// writes straight into the output argument; weights become globals.
// CHECK: memref.global "private" constant @w0 : memref<3x4xf32> = dense<1.000000e+00>
// CHECK-LABEL: func @main
// CHECK-SAME: (%[[X:.+]]: memref<1x4xf32>, %[[Y:.+]]: memref<1x3xf32>)
// CHECK-DAG: %[[W:.+]] = memref.get_global @w0
// CHECK: kernel.call "fully_connected_f32" ins(%[[X]], %[[W]], %{{.+}} : {{.*}}) outs(%[[Y]] : memref<1x3xf32>) {args = [1 : i32, 4 : i32, 3 : i32, 0.000000e+00 : f32, 0x7F800000 : f32]
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x3xf32> {
  %w = arith.constant dense<1.0> : tensor<3x4xf32>
  %b = arith.constant dense<0.0> : tensor<3xf32>
  %0 = nn.fully_connected %x, %w, %b {act_min = 0.0 : f32, act_max = 0x7F800000 : f32} : (tensor<1x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}

// -----

// A reshape is a view of its input's buffer: no kernel, no copy, except when
// the view itself is the graph output (then one copy into the output).
// CHECK-LABEL: func @main
// CHECK: %[[A:.+]] = kernel.alloc : memref<2x3xf32>
// CHECK: kernel.call "relu_f32" ins(%{{.+}} : memref<2x3xf32>) outs(%[[A]] : memref<2x3xf32>)
// CHECK: %[[V:.+]] = kernel.view %[[A]] : memref<2x3xf32> to memref<6xf32>
// CHECK: kernel.call "copy" ins(%[[V]] : memref<6xf32>) outs(%{{.+}} : memref<6xf32>) {args = [24 : i32]
func.func @main(%x: tensor<2x3xf32>) -> tensor<6xf32> {
  %0 = nn.unary relu %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = nn.reshape %0 : (tensor<2x3xf32>) -> tensor<6xf32>
  return %1 : tensor<6xf32>
}

// -----

// Broadcasting elementwise ops get 6-axis shape and stride tables.
// CHECK-LABEL: func @main
// CHECK: kernel.call "add_f32" {{.*}} {args = [array<i32: 1, 1, 1, 1, 2, 3>, array<i32: 0, 0, 0, 0, 3, 1>, array<i32: 0, 0, 0, 0, 0, 1>, 0xFF800000 : f32, 0x7F800000 : f32]
func.func @main(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = nn.binary add %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
