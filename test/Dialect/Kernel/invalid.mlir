// RUN: emlc-opt %s -split-input-file -verify-diagnostics

func.func @view_count(%x: memref<8xf32>) {
  // expected-error @+1 {{must keep the element type and count}}
  %v = kernel.view %x : memref<8xf32> to memref<3x3xf32>
  return
}
