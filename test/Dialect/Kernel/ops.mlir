// RUN: emlc-opt %s -split-input-file | emlc-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func @calls
// CHECK: %[[B:.+]] = kernel.alloc {offset = 0 : i64} : memref<8xf32>
// CHECK: kernel.call "relu_f32" ins(%{{.+}} : memref<8xf32>) outs(%[[B]] : memref<8xf32>) {args = [8 : i32, 0.000000e+00 : f32, 0.000000e+00 : f32]}
// CHECK: %[[V:.+]] = kernel.view %[[B]] : memref<8xf32> to memref<2x4xf32>
// CHECK: kernel.call "copy" ins(%[[V]] : memref<2x4xf32>) outs(%{{.+}} : memref<2x4xf32>) {args = [32 : i32]}
func.func @calls(%x: memref<8xf32>, %y: memref<2x4xf32>) {
  %b = kernel.alloc {offset = 0 : i64} : memref<8xf32>
  kernel.call "relu_f32" ins(%x : memref<8xf32>) outs(%b : memref<8xf32>) {args = [8 : i32, 0.0 : f32, 0.0 : f32]}
  %v = kernel.view %b : memref<8xf32> to memref<2x4xf32>
  kernel.call "copy" ins(%v : memref<2x4xf32>) outs(%y : memref<2x4xf32>) {args = [32 : i32]}
  return
}

// -----

// The module's target: a name under targets/ and its ISA facts.
// CHECK: module attributes {emlc.target = #kernel.target<"cortex-m4", {alignment = 16 : i64, dsp = true, fpu = "single"}>}
module attributes {emlc.target = #kernel.target<"cortex-m4", {alignment = 16 : i64, dsp = true, fpu = "single"}>} {
}
