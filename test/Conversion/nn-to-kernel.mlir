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

// A reshape is a view of its input's buffer: no kernel, no copy. When the
// view is the graph output, its producer writes through a view of the output.
// CHECK-LABEL: func @main
// CHECK-SAME: %{{.+}}: memref<2x3xf32>, %[[OUT:[^:]+]]: memref<6xf32>
// CHECK-NOT: kernel.alloc
// CHECK: %[[A:.+]] = kernel.view %[[OUT]] : memref<6xf32> to memref<2x3xf32>
// CHECK: kernel.call "relu_f32" ins(%{{.+}} : memref<2x3xf32>) outs(%[[A]] : memref<2x3xf32>)
// CHECK-NOT: kernel.call "copy"
func.func @main(%x: tensor<2x3xf32>) -> tensor<6xf32> {
  %0 = nn.unary relu %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = nn.reshape %0 : (tensor<2x3xf32>) -> tensor<6xf32>
  return %1 : tensor<6xf32>
}

// -----

// The same through an int8 output's storage cast (the same memref: no view).
// CHECK-LABEL: func @main
// CHECK-SAME: %{{.+}}: memref<1x4xi8>, %[[OUT:[^:]+]]: memref<1x4xi8>
// CHECK: kernel.call "fully_connected_s8" {{.*}}outs(%[[OUT]] : memref<1x4xi8>)
// CHECK-NOT: kernel.call "copy"
func.func @main(%x: tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<1x4xi8> {
  %w = arith.constant dense<1> : tensor<4x4xi8>
  %wq = "quant.scast"(%w) : (tensor<4x4xi8>) -> tensor<4x4x!quant.uniform<i8:f32, 0.25>>
  %0 = nn.fully_connected %x, %wq : (tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>>, tensor<4x4x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x!quant.uniform<i8:f32, 1.0:2>>
  %1 = "quant.scast"(%0) : (tensor<1x4x!quant.uniform<i8:f32, 1.0:2>>) -> tensor<1x4xi8>
  return %1 : tensor<1x4xi8>
}

// -----

// Returned twice, the view's producer keeps its own buffer: two copies.
// CHECK-LABEL: func @main
// CHECK: %[[A:.+]] = kernel.alloc : memref<2x3xf32>
// CHECK: kernel.call "relu_f32" ins(%{{.+}} : memref<2x3xf32>) outs(%[[A]] : memref<2x3xf32>)
// CHECK-COUNT-2: kernel.call "copy"
func.func @main(%x: tensor<2x3xf32>) -> (tensor<6xf32>, tensor<6xf32>) {
  %0 = nn.unary relu %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = nn.reshape %0 : (tensor<2x3xf32>) -> tensor<6xf32>
  return %1, %1 : tensor<6xf32>, tensor<6xf32>
}

// -----

// Broadcasting elementwise ops get 6-axis shape and stride tables.
// CHECK-LABEL: func @main
// CHECK: kernel.call "add_f32" {{.*}} {args = [array<i32: 1, 1, 1, 1, 2, 3>, array<i32: 0, 0, 0, 0, 3, 1>, array<i32: 0, 0, 0, 0, 0, 1>, 0xFF800000 : f32, 0x7F800000 : f32]
func.func @main(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = nn.binary add %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
