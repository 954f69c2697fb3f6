// Cortex-M55's channel multiple (Helium: 16, a conv's taps padded to a multiple of 16), adapted per group:
// no coarser than a quarter of a group's channels, and half steps give back what a whole step took beyond
// the goal. Uniform schedule, L1 importance, no correction (no calibration needed); 1x1 convs, 8 MACs a
// channel of the 64-channel group (512 in all), 8 of the 32-channel one.
// RUN: emlc-opt %s -split-input-file -emlc-prune="prune=0.25 importance=l1 schedule=uniform correction=off" | FileCheck %s --check-prefix=Q25
// RUN: emlc-opt %s -split-input-file -emlc-prune="prune=0.3 importance=l1 schedule=uniform correction=off" | FileCheck %s --check-prefix=Q30
// RUN: emlc-opt %s -split-input-file -emlc-prune="prune=0.25 importance=l1 schedule=uniform correction=off channel-multiple=16" | FileCheck %s --check-prefix=FORCED

// 64 channels: steps of 16. A quarter of the MACs: 48 kept. 30% (at most 358 MACs): 32 (256) meets it, a
// half step gives 8 back (40: 320 MACs).
// Q25: groups = [{channels = 64 : i64, kept = 48 : i64, name = "conv1"}]
// Q30: groups = [{channels = 64 : i64, kept = 40 : i64, name = "conv1"}]
// FORCED: groups = [{channels = 64 : i64, kept = 48 : i64, name = "conv1"}]
module attributes {emlc.target = #kernel.target<"cortex-m55", {}>} {
func.func @main(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %w1 = arith.constant dense<1.0> : tensor<64x1x1x1xf32>
  %w2 = arith.constant dense<1.0> : tensor<1x64x1x1xf32>
  %a = nn.conv2d %x, %w1 {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x2x2xf32>, tensor<64x1x1x1xf32>) -> tensor<1x64x2x2xf32> loc("conv1")
  %b = nn.conv2d %a, %w2 {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x64x2x2xf32>, tensor<1x64x1x1xf32>) -> tensor<1x1x2x2xf32> loc("conv2")
  return %b : tensor<1x1x2x2xf32>
}
}

// -----

// 32 channels: 16 is half the group, so steps of 8; a quarter of the MACs: 24 kept. 30% (at most 179 of 256
// MACs): 16, then a half step (4) back: 20. A multiple given (channel-multiple=16) is taken as it is: 16.
// Q25: groups = [{channels = 32 : i64, kept = 24 : i64, name = "conv1"}]
// Q30: groups = [{channels = 32 : i64, kept = 20 : i64, name = "conv1"}]
// FORCED: groups = [{channels = 32 : i64, kept = 16 : i64, name = "conv1"}]
module attributes {emlc.target = #kernel.target<"cortex-m55", {}>} {
func.func @main(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %w1 = arith.constant dense<1.0> : tensor<32x1x1x1xf32>
  %w2 = arith.constant dense<1.0> : tensor<1x32x1x1xf32>
  %a = nn.conv2d %x, %w1 {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x2x2xf32>, tensor<32x1x1x1xf32>) -> tensor<1x32x2x2xf32> loc("conv1")
  %b = nn.conv2d %a, %w2 {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x32x2x2xf32>, tensor<1x32x1x1xf32>) -> tensor<1x1x2x2xf32> loc("conv2")
  return %b : tensor<1x1x2x2xf32>
}
}
