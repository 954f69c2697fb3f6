// RUN: emlc-opt %s -split-input-file -emlc-prune="prune=0.5 importance=l1 schedule=uniform correction=off channel-multiple=2" | FileCheck %s

// A chain: the first conv's four channels are a group (the second conv's
// output is a graph output, kept whole). Half the MACs go: the two channels
// with the largest L1 norms (5 and 3) stay, and the consumer keeps their columns.
// CHECK: module attributes {emlc.pruning = {{{.*}}groups = [{channels = 4 : i64, kept = 2 : i64, name = "conv1"}]{{.*}}macs_after = 16 : i64, macs_before = 32 : i64
// CHECK: arith.constant dense<{{\[}}[{{\[}}[5.000000e+00]]], [{{\[}}[3.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK: nn.conv2d %arg0, {{.*}} -> tensor<1x2x2x2xf32>
// CHECK: arith.constant dense<{{\[}}[{{\[}}[2.000000e+01]], {{\[}}[4.000000e+01]]]]> : tensor<1x2x1x1xf32>
// CHECK: nn.conv2d {{.*}} : (tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x2x2xf32>
func.func @main(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %w1 = arith.constant dense<[[[[1.0]]], [[[5.0]]], [[[0.5]]], [[[3.0]]]]> : tensor<4x1x1x1xf32>
  %w2 = arith.constant dense<[[[[10.0]], [[20.0]], [[30.0]], [[40.0]]]]> : tensor<1x4x1x1xf32>
  %a = nn.conv2d %x, %w1 {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x2x2xf32>, tensor<4x1x1x1xf32>) -> tensor<1x4x2x2xf32> loc("conv1")
  %b = nn.conv2d %a, %w2 {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x2x2xf32>, tensor<1x4x1x1xf32>) -> tensor<1x1x2x2xf32> loc("conv2")
  return %b : tensor<1x1x2x2xf32>
}

// -----

// A residual add couples conv1 and conv2 (one group: the same channels go
// from both, and conv2, reading and writing the group, loses rows and
// columns); a depthwise conv inside the group follows it; flatten turns
// each channel into a block of the fully connected layer's columns.
// CHECK: module attributes {emlc.pruning = {{{.*}}groups = [{channels = 4 : i64, kept = 2 : i64, name = "conv1"}]
// CHECK: nn.conv2d %arg0, {{.*}} -> tensor<1x2x2x2xf32>
// CHECK: nn.conv2d {{.*}} : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x2x2xf32>
// CHECK: nn.binary add {{.*}} -> tensor<1x2x2x2xf32>
// CHECK: arith.constant dense<[2.000000e+00, 4.000000e+00]> : tensor<2xf32>
// CHECK: nn.conv2d {{.*}}groups = 2 : i64{{.*}} : (tensor<1x2x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
// CHECK: nn.reshape {{.*}} : (tensor<1x2x2x2xf32>) -> tensor<1x8xf32>
// Channels 1 and 3 are the columns 4-7 and 12-15.
// CHECK: arith.constant dense<{{\[}}[4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00, 1.200000e+01, 1.300000e+01, 1.400000e+01, 1.500000e+01], [2.000000e+01,
// CHECK: nn.fully_connected {{.*}} : (tensor<1x8xf32>, tensor<3x8xf32>) -> tensor<1x3xf32>
func.func @main(%x: tensor<1x1x2x2xf32>) -> tensor<1x3xf32> {
  %w1 = arith.constant dense<[[[[1.0]]], [[[5.0]]], [[[0.5]]], [[[3.0]]]]> : tensor<4x1x1x1xf32>
  %w2 = arith.constant dense<1.0> : tensor<4x4x1x1xf32>
  %wd = arith.constant dense<2.0> : tensor<4x1x1x1xf32>
  %bd = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %wf = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0], [32.0, 33.0, 34.0, 35.0, 36.0, 37.0, 38.0, 39.0, 40.0, 41.0, 42.0, 43.0, 44.0, 45.0, 46.0, 47.0]]> : tensor<3x16xf32>
  %a = nn.conv2d %x, %w1 {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x2x2xf32>, tensor<4x1x1x1xf32>) -> tensor<1x4x2x2xf32> loc("conv1")
  %b = nn.conv2d %a, %w2 {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x2x2xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x2x2xf32> loc("conv2")
  %s = nn.binary add %a, %b : (tensor<1x4x2x2xf32>, tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  %d = nn.conv2d %s, %wd, %bd {dilations = array<i64: 1, 1>, groups = 4 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x2x2xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32> loc("dw")
  %f = nn.reshape %d : (tensor<1x4x2x2xf32>) -> tensor<1x16xf32>
  %y = nn.fully_connected %f, %wf : (tensor<1x16xf32>, tensor<3x16xf32>) -> tensor<1x3xf32> loc("fc")
  return %y : tensor<1x3xf32>
}

