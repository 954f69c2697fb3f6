// RUN: emlc-opt %s -split-input-file -verify-diagnostics

// kernel.call is checked against the C prototype of its kernel (the kernel
// ABI, parsed from targets/*/kernels): a wrong call fails here, not when the
// emitted C is built or run.
// relu_f32(const float *x, float *y, int32_t n, float alpha, float beta)

func.func @argument_count(%x: memref<8xf32>, %y: memref<8xf32>) {
  // expected-error @+1 {{passes 4 arguments to 'relu_f32', whose C prototype (generic) takes 5}}
  kernel.call "relu_f32" ins(%x : memref<8xf32>) outs(%y : memref<8xf32>) {args = [8 : i32, 0.0 : f32]}
  return
}

// -----

func.func @unknown_kernel(%x: memref<8xf32>, %y: memref<8xf32>) {
  // expected-error @+1 {{calls 'relu_f33', which no kernel folder defines}}
  kernel.call "relu_f33" ins(%x : memref<8xf32>) outs(%y : memref<8xf32>) {args = [8 : i32, 0.0 : f32, 0.0 : f32]}
  return
}

// -----

func.func @element_type(%x: memref<8xi8>, %y: memref<8xf32>) {
  // expected-error @+1 {{input 0 is a buffer of int8_t, parameter 'const float *x' of 'relu_f32' is not}}
  kernel.call "relu_f32" ins(%x : memref<8xi8>) outs(%y : memref<8xf32>) {args = [8 : i32, 0.0 : f32, 0.0 : f32]}
  return
}

// -----

func.func @scalar_type(%x: memref<8xf32>, %y: memref<8xf32>) {
  // expected-error @+1 {{argument 2 is int64_t, parameter 'int32_t n' of 'relu_f32' is not}}
  kernel.call "relu_f32" ins(%x : memref<8xf32>) outs(%y : memref<8xf32>) {args = [8 : i64, 0.0 : f32, 0.0 : f32]}
  return
}

// -----

// A table where the kernel takes a scalar.
func.func @table_for_scalar(%x: memref<8xf32>, %y: memref<8xf32>) {
  // expected-error @+1 {{argument 2 is an int32_t table, parameter 'int32_t n' of 'relu_f32' is not}}
  kernel.call "relu_f32" ins(%x : memref<8xf32>) outs(%y : memref<8xf32>) {args = [array<i32: 8>, 0.0 : f32, 0.0 : f32]}
  return
}

// -----

memref.global "private" constant @w : memref<8xf32> = dense<1.0>
func.func @constant_output(%x: memref<8xf32>) {
  %w = memref.get_global @w : memref<8xf32>
  // expected-error @+1 {{writes into constant weights (parameter 'float *y')}}
  kernel.call "relu_f32" ins(%x : memref<8xf32>) outs(%w : memref<8xf32>) {args = [8 : i32, 0.0 : f32, 0.0 : f32]}
  return
}

// -----

// `const void *` takes any buffer (copy moves bytes).
func.func @void_buffers(%x: memref<2x4xi8>, %y: memref<8xi8>) {
  kernel.call "copy" ins(%x : memref<2x4xi8>) outs(%y : memref<8xi8>) {args = [8 : i32]}
  return
}

// -----

// A kernel of another ISA folder than the module's target lists.
module attributes {emlc.target = #kernel.target<"cortex-m4", {}>} {
  func.func @other_isa(%x: memref<1x10xf32>, %r: memref<1x10xf32>, %y: memref<1x10xf32>) {
    // expected-error @+1 {{calls 'add_same_f32_avx2', which no kernel folder of target 'cortex-m4' defines}}
    kernel.call "add_same_f32_avx2" ins(%x, %r : memref<1x10xf32>, memref<1x10xf32>) outs(%y : memref<1x10xf32>) {args = [10 : i32, 0.0 : f32, 0.0 : f32]}
    return
  }
}

// -----

// expected-error @+1 {{unknown target 'cortex-m99'}}
module attributes {emlc.target = #kernel.target<"cortex-m99", {}>} {
}
