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
    kernel.call "k" ins(%x : memref<10xf32>) outs(%a : memref<10xf32>) {args = []}
    kernel.call "k" ins(%a : memref<10xf32>) outs(%b : memref<8xf32>) {args = []}
    kernel.call "k" ins(%b : memref<8xf32>) outs(%c : memref<10xf32>) {args = []}
    kernel.call "k" ins(%c : memref<10xf32>) outs(%y : memref<10xf32>) {args = []}
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
    kernel.call "k" ins(%x : memref<10xf32>) outs(%a : memref<10xf32>) {args = []}
    kernel.call "relu_f32" ins(%a : memref<10xf32>) outs(%b : memref<10xf32>) {args = [], emlc.layer = "nn.unary"}
    kernel.call "k" ins(%b : memref<10xf32>) outs(%c : memref<10xf32>) {args = []}
    kernel.call "add_f32" ins(%c, %b : memref<10xf32>, memref<10xf32>) outs(%d : memref<10xf32>) {args = [], emlc.layer = "nn.binary"}
    kernel.call "k" ins(%d, %c : memref<10xf32>, memref<10xf32>) outs(%y : memref<10xf32>) {args = []}
    return
  }
}
