// RUN: emlc-opt %s -emlc-plan-memory | FileCheck %s

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
