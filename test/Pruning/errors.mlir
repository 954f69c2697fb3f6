// RUN: not emlc-opt %s -emlc-prune="prune=1.5" 2>&1 | FileCheck %s --check-prefix=RATIO
// RATIO: prune '1.5': give the share of MACs to remove, 0 < R < 1 (e.g. 0.25), or auto
// RUN: not emlc-opt %s -emlc-prune="prune=auto" 2>&1 | FileCheck %s --check-prefix=AUTO
// AUTO: prune=auto needs a flash limit (--flash-limit BYTES)
// RUN: not emlc-opt %s -emlc-prune="prune=0.25 schedule=sensitivity" 2>&1 | FileCheck %s --check-prefix=CALIB
// CALIB: pruning with the sensitivity schedule needs calibration samples (--calibration X.npy)
// RUN: not emlc-opt %s -emlc-prune="prune=0.3 importance=l1 schedule=uniform correction=off" 2>&1 | FileCheck %s --check-prefix=FEW
// With multiples of 4, conv1's 4 channels cannot shrink; conv2's are the graph output.
// FEW: pruning cannot reach 30% fewer MACs (22 of 32): the 1 prunable channel group(s) at their fewest channels (multiples of 4) leave 32 MACs and 32 weight bytes (kept whole: conv2: a graph output)
// RUN: emlc-opt %s -emlc-prune="prune=auto flash-limit=20 importance=l2 schedule=uniform correction=off channel-multiple=1" | FileCheck %s --check-prefix=FLASH
// Weights within 20 bytes at 4 a weight: conv1 keeps 2 of its 4 channels (2 + 2 weights, 16 bytes).
// FLASH: kept = 2 : i64{{.*}}params_after = 4 : i64, params_before = 8 : i64
func.func @main(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %w1 = arith.constant dense<[[[[1.0]]], [[[5.0]]], [[[0.5]]], [[[3.0]]]]> : tensor<4x1x1x1xf32>
  %w2 = arith.constant dense<[[[[10.0]], [[20.0]], [[30.0]], [[40.0]]]]> : tensor<1x4x1x1xf32>
  %a = nn.conv2d %x, %w1 {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x2x2xf32>, tensor<4x1x1x1xf32>) -> tensor<1x4x2x2xf32> loc("conv1")
  %b = nn.conv2d %a, %w2 {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x2x2xf32>, tensor<1x4x1x1xf32>) -> tensor<1x1x2x2xf32> loc("conv2")
  return %b : tensor<1x1x2x2xf32>
}
