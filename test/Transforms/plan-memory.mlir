// RUN: emlc-opt %s -split-input-file -emlc-plan-memory | FileCheck %s

// A chain a -> b -> c: a and c never live together, so c reuses a's offset;
// the arena is two buffers (aligned to 16), not three.
// CHECK: module attributes {emlc.arena_size = 80 : i64}
// CHECK: %[[A:.+]] = kernel.alloc {offset = 0 : i64} : memref<10xf32>
// CHECK: %[[B:.+]] = kernel.alloc {offset = 48 : i64} : memref<8xf32>
// CHECK: %[[C:.+]] = kernel.alloc {offset = 0 : i64} : memref<10xf32>
module {
  func.func @main(%x: memref<10xf32>, %y: memref<10xf32>) {
    %a = kernel.alloc : memref<10xf32>
    %b = kernel.alloc : memref<8xf32>
    %c = kernel.alloc : memref<10xf32>
    kernel.call "copy" ins(%x : memref<10xf32>) outs(%a : memref<10xf32>) {args = [40 : i32]}
    kernel.call "copy" ins(%a : memref<10xf32>) outs(%b : memref<8xf32>) {args = [32 : i32]}
    kernel.call "copy" ins(%b : memref<8xf32>) outs(%c : memref<10xf32>) {args = [32 : i32]}
    kernel.call "copy" ins(%c : memref<10xf32>) outs(%y : memref<10xf32>) {args = [40 : i32]}
    return
  }
}

// -----

// An elementwise call writes over an input it uses last (same size): %b shares
// %a's bytes, and %d shares %b's (the add is %b's last use); %c is read again
// later, so the add cannot overwrite it. Arena: 40 B at 0, 40 B at 48.
// CHECK: module attributes {emlc.arena_size = 88 : i64}
// CHECK: %[[A:.+]] = kernel.alloc {offset = [[OA:[0-9]+]] : i64} : memref<10xf32>
// CHECK: %[[B:.+]] = kernel.alloc {offset = [[OA]] : i64} : memref<10xf32>
// CHECK: %[[C:.+]] = kernel.alloc {offset = [[OC:[0-9]+]] : i64} : memref<10xf32>
// CHECK: %[[D:.+]] = kernel.alloc {offset = [[OA]] : i64} : memref<10xf32>
module {
  func.func @main(%x: memref<10xf32>, %y: memref<10xf32>) {
    %a = kernel.alloc : memref<10xf32>
    %b = kernel.alloc : memref<10xf32>
    %c = kernel.alloc : memref<10xf32>
    %d = kernel.alloc : memref<10xf32>
    kernel.call "copy" ins(%x : memref<10xf32>) outs(%a : memref<10xf32>) {args = [40 : i32]}
    kernel.call "relu_f32" ins(%a : memref<10xf32>) outs(%b : memref<10xf32>) {args = [10 : i32, 0.0 : f32, 0.0 : f32], emlc.layer = "nn.unary"}
    kernel.call "copy" ins(%b : memref<10xf32>) outs(%c : memref<10xf32>) {args = [40 : i32]}
    kernel.call "add_f32" ins(%c, %b : memref<10xf32>, memref<10xf32>) outs(%d : memref<10xf32>) {args = [array<i32: 1, 1, 1, 1, 1, 10>, array<i32: 0, 0, 0, 0, 0, 1>, array<i32: 0, 0, 0, 0, 0, 1>, 0xFF800000 : f32, 0x7F800000 : f32], emlc.layer = "nn.binary"}
    kernel.call "add_f32" ins(%d, %c : memref<10xf32>, memref<10xf32>) outs(%y : memref<10xf32>) {args = [array<i32: 1, 1, 1, 1, 1, 10>, array<i32: 0, 0, 0, 0, 0, 1>, array<i32: 0, 0, 0, 0, 0, 1>, 0xFF800000 : f32, 0x7F800000 : f32]}
    return
  }
}
