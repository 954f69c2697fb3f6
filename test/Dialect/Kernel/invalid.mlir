// RUN: emlc-opt %s -split-input-file -verify-diagnostics

func.func @view_count(%x: memref<8xf32>) {
  // expected-error @+1 {{must keep the element type and count}}
  %v = kernel.view %x : memref<8xf32> to memref<3x3xf32>
  return
}

// -----

func.func @negative_offset() {
  // expected-error @+1 {{offset -16 is negative}}
  %b = kernel.alloc {offset = -16 : i64} : memref<8xf32>
  return
}

// -----

func.func @slice_outside(%x: memref<8xf32>) {
  // expected-error @+1 {{slice [24, 40) is outside the source's 32 bytes}}
  %v = kernel.view %x {offset = 24 : i64} : memref<8xf32> to memref<4xf32>
  return
}

// -----

func.func @negative_slice(%x: memref<8xf32>) {
  // expected-error @+1 {{slice [-4, 12) is outside the source's 32 bytes}}
  %v = kernel.view %x {offset = -4 : i64} : memref<8xf32> to memref<4xf32>
  return
}
