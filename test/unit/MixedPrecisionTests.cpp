// Mixed precision (issue 15): the searches against brute-force enumeration,
// the precision parsers, and per-channel weight quantization against its
// definition (TFLite's int8 rule; narrower grids no worse than max-scaling).
#include "emlc/Quantization/MixedPrecision.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/MLIRContext.h"
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

using namespace emlc;

namespace {
/// The best plan by enumerating every combination.
std::optional<PrecisionPlan> bruteForce(const std::vector<LayerOptions> &layers, int64_t budget) {
  std::optional<PrecisionPlan> best;
  std::vector<size_t> idx(layers.size(), 0);
  while (true) {
    PrecisionPlan p;
    p.choice = idx;
    for (size_t l = 0; l < layers.size(); ++l)
      p.bytes += layers[l][idx[l]].bytes, p.noise += layers[l][idx[l]].noise;
    if (p.bytes <= budget && (!best || p.noise < best->noise))
      best = p;
    size_t l = 0;
    while (l < layers.size() && ++idx[l] == layers[l].size())
      idx[l++] = 0;
    if (l == layers.size())
      return best;
  }
}

std::vector<LayerOptions> randomLayers(std::mt19937 &rng, size_t n) {
  std::uniform_int_distribution<int64_t> size(10, 5000);
  std::uniform_real_distribution<double> noise(0.0, 1.0);
  std::vector<LayerOptions> layers(n);
  for (LayerOptions &l : layers) {
    int64_t bytes = size(rng);
    double e = noise(rng) * 1e-3;
    for (WeightPrecision p : kWeightPrecisions) { // narrower: fewer bytes, more noise
      l.push_back({p, bytes, e});
      bytes = bytes / 2 + 1, e = e * 4 + noise(rng) * 1e-2;
    }
  }
  return layers;
}
} // namespace

TEST_CASE("the exact search finds the least noise within the budget (brute force agrees)") {
  std::mt19937 rng(7);
  int feasible = 0;
  for (int t = 0; t < 200; ++t) {
    auto layers = randomLayers(rng, 1 + t % 5);
    int64_t widest = 0;
    for (auto &l : layers)
      widest += l[0].bytes;
    int64_t budget = (int64_t)(widest * (0.2 + 0.8 * (t % 10) / 10.0));
    auto want = bruteForce(layers, budget);
    auto got = searchExact(layers, budget);
    REQUIRE(want.has_value() == got.has_value());
    if (!want)
      continue;
    ++feasible;
    CHECK(got->bytes <= budget);
    // The DP rounds bytes up to budget units (1 byte here: budgets < 20,000): exact.
    CHECK(got->noise == Approx(want->noise).epsilon(1e-12));
    auto greedy = searchGreedy(layers, budget);
    REQUIRE(greedy.has_value());
    CHECK(greedy->bytes <= budget);
    CHECK(greedy->noise >= want->noise - 1e-12);
  }
  CHECK(feasible > 100);
}

TEST_CASE("a budget below the narrowest weights has no plan") {
  std::vector<LayerOptions> layers = {{{WeightPrecision::Int8, 100, 0.0}, {WeightPrecision::Int4, 50, 1.0}}};
  CHECK_FALSE(searchExact(layers, 49).has_value());
  CHECK_FALSE(searchGreedy(layers, 49).has_value());
  CHECK(searchExact(layers, 50)->choice[0] == 1);
  CHECK(searchExact(layers, 100)->choice[0] == 0);
}

TEST_CASE("budgets over 20,000 bytes: the exact search stays within a rounding of the optimum and keeps "
          "the plan that fits to the byte") {
  // fashion-mlp's int8 weights, 200,704 + 32,768 + 1,280 bytes (plus biases): at a budget of exactly their sum
  // the DP's 12-byte units rounded the widest plan out, and the search took int4 for the middle layer.
  std::vector<LayerOptions> mlp = {{{WeightPrecision::Int8, 201728, 1.0}, {WeightPrecision::Int4, 101376, 5.0}},
                                   {{WeightPrecision::Int8, 33280, 1.0}, {WeightPrecision::Int4, 16896, 6.0}},
                                   {{WeightPrecision::Int8, 1320, 1.0}, {WeightPrecision::Int4, 680, 3.0}}};
  auto plan = searchExact(mlp, 201728 + 33280 + 1320);
  REQUIRE(plan.has_value());
  CHECK(plan->choice == std::vector<size_t>{0, 0, 0});
  // Random layers of up to 500 KB: no plan over the budget, none worse than brute force by more than one unit's
  // rounding allows, and most at the optimum.
  std::mt19937 rng(13);
  std::uniform_int_distribution<int64_t> big(20000, 500000);
  int feasible = 0, optimal = 0;
  for (int t = 0; t < 100; ++t) {
    auto layers = randomLayers(rng, 1 + t % 5);
    for (auto &l : layers) {
      int64_t scale = big(rng);
      for (auto &o : l)
        o.bytes = o.bytes * scale / 100;
    }
    int64_t widest = 0;
    for (auto &l : layers)
      widest += l[0].bytes;
    int64_t budget = t % 4 == 0 ? widest : (int64_t)(widest * (0.2 + 0.8 * (t % 10) / 10.0));
    auto want = bruteForce(layers, budget);
    auto got = searchExact(layers, budget);
    if (!want)
      continue;
    ++feasible;
    REQUIRE(got.has_value());
    CHECK(got->bytes <= budget);
    CHECK(got->noise >= want->noise - 1e-12);
    optimal += got->noise <= want->noise + 1e-12;
    if (budget == widest)
      CHECK(got->noise == Approx(want->noise).epsilon(1e-12));
  }
  CHECK(feasible > 50);
  CHECK(optimal >= feasible * 9 / 10);
}

TEST_CASE("a latency limit: the plans meet it, never beat the brute-force optimum, and most reach it") {
  // Random instructions per option (narrower weights faster on some targets, slower on others).
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> instr(1000, 9000);
  int feasible = 0, optimal = 0;
  for (int t = 0; t < 200; ++t) {
    auto layers = randomLayers(rng, 1 + t % 5);
    double slowest = 0, fastest = 0, widest = 0;
    for (auto &l : layers) {
      double lo = 1e30, hi = 0;
      for (auto &o : l)
        o.instructions = instr(rng), lo = std::min(lo, o.instructions), hi = std::max(hi, o.instructions);
      slowest += hi, fastest += lo, widest += l[0].bytes;
    }
    int64_t budget = (int64_t)(widest * 0.6);
    double limit = fastest + (slowest - fastest) * (t % 7) / 7.0;
    // Brute force over both limits.
    std::optional<PrecisionPlan> want;
    std::vector<size_t> idx(layers.size(), 0);
    for (bool more = true; more;) {
      PrecisionPlan p;
      for (size_t l = 0; l < layers.size(); ++l)
        p.bytes += layers[l][idx[l]].bytes, p.noise += layers[l][idx[l]].noise,
            p.instructions += layers[l][idx[l]].instructions;
      if (p.bytes <= budget && p.instructions <= limit && (!want || p.noise < want->noise))
        want = p;
      size_t l = 0;
      while (l < layers.size() && ++idx[l] == layers[l].size())
        idx[l++] = 0;
      more = l < layers.size();
    }
    for (bool greedy : {false, true}) {
      auto got = searchWithin(layers, budget, limit, greedy);
      if (!got) { // the bytes alone cannot fit
        CHECK_FALSE(want.has_value());
        continue;
      }
      CHECK(got->bytes <= budget);
      if (!want) { // no plan meets both: the returned one says by how much
        CHECK(got->instructions > limit);
        continue;
      }
      if (greedy) // greedy's steps can miss plans the exact search finds
        continue;
      ++feasible;
      REQUIRE(got->instructions <= limit + 1e-6);
      CHECK(got->noise >= want->noise - 1e-12);
      optimal += got->noise <= want->noise * (1 + 1e-9) + 1e-15;
    }
  }
  CHECK(feasible > 60);
  // Lagrangian relaxation reaches the optimum when it lies on the convex hull of the trade-off: most of the time.
  CHECK(optimal >= feasible * 7 / 10);
}

TEST_CASE("without a latency limit searchWithin is the plain search") {
  std::mt19937 rng(3);
  auto layers = randomLayers(rng, 4);
  for (auto &l : layers)
    for (auto &o : l)
      o.instructions = 100;
  auto plain = searchExact(layers, 3000), within = searchWithin(layers, 3000, -1, false);
  REQUIRE(plain.has_value() == within.has_value());
  if (plain)
    CHECK(plain->choice == within->choice);
}

TEST_CASE("activation widths: chains gain together, free layers first, the arena limit holds") {
  // Three layers in a chain. Alone, layer 1's int16 output gains nothing (its consumer reads int8);
  // with layer 2 wide too the pair removes most of the noise. Layer 0 costs 100 arena bytes, the others none.
  auto noiseOf = [](const std::vector<size_t> &wide) {
    bool w[3] = {false, false, false};
    for (size_t c : wide)
      w[c] = true;
    double noise = 100;
    if (w[2])
      noise -= 40;
    if (w[1] && w[2])
      noise -= 30;
    if (w[0])
      noise -= 10;
    return noise;
  };
  auto arenaOf = [](const std::vector<size_t> &wide) {
    return (int64_t)(1000 + (std::count(wide.begin(), wide.end(), 0) ? 100 : 0));
  };
  std::vector<size_t> all = chooseWideActivations(3, {}, noiseOf, arenaOf, 2000, nullptr, nullptr);
  CHECK(all == std::vector<size_t>{2, 1, 0}); // free ones first, each step the largest gain measured then
  std::vector<size_t> limited = chooseWideActivations(3, {}, noiseOf, arenaOf, 1050, nullptr, nullptr);
  CHECK(limited == std::vector<size_t>{2, 1}); // layer 0 would exceed the arena limit
  // Gains below minGain of the noise left are not worth a layer: at 40%, layer 0's 10 of the 30 left is not.
  CHECK(chooseWideActivations(3, {}, noiseOf, arenaOf, 2000, nullptr, nullptr, 0.4) == std::vector<size_t>{2, 1});
  CHECK(chooseWideActivations(3, {}, noiseOf, arenaOf, 2000, nullptr, nullptr, 0.02, 1) == std::vector<size_t>{2});
  // A chain whose layers gain nothing alone (an int16 output cut back to int8 by its consumer): only the
  // producer-consumer pair move finds it.
  auto pairOnly = [](const std::vector<size_t> &wide) {
    bool w1 = std::count(wide.begin(), wide.end(), 1) > 0, w2 = std::count(wide.begin(), wide.end(), 2) > 0;
    return w1 && w2 ? 50.0 : 100.0;
  };
  CHECK(chooseWideActivations(3, {}, pairOnly, arenaOf, 2000, nullptr, nullptr).empty());
  CHECK(chooseWideActivations(3, {{0, 1}, {1, 2}}, pairOnly, arenaOf, 2000, nullptr, nullptr) ==
        std::vector<size_t>{1, 2});
  // A set the caller does not allow (a latency limit: here layer 1 is too slow at int16) is not taken.
  auto notOne = [](const std::vector<size_t> &wide) { return std::count(wide.begin(), wide.end(), 1) == 0; };
  CHECK(chooseWideActivations(3, {}, noiseOf, arenaOf, 2000, notOne, nullptr) == std::vector<size_t>{2, 0});
  // An arena limit below the plan without int16 layers: nothing is chosen.
  CHECK(chooseWideActivations(3, {}, noiseOf, arenaOf, 900, nullptr, nullptr).empty());
}

TEST_CASE("layer-instructions entries parse and print back") {
  std::map<std::string, std::map<WeightPrecision, double>> prices;
  std::map<std::string, double> int16;
  std::string error;
  REQUIRE(parseLayerInstructions("/0/conv=int8:1200,int4:900,t:700", prices, int16, error));
  CHECK(prices["/0/conv"][WeightPrecision::Int8] == 1200);
  CHECK(prices["/0/conv"][WeightPrecision::Ternary] == 700);
  CHECK(int16.empty());
  CHECK(formatLayerInstructions("/0/conv", prices["/0/conv"]) == "/0/conv=int8:1200,int4:900,ternary:700");
  REQUIRE(parseLayerInstructions("/1/fc=int8:50,a16:80", prices, int16, error));
  CHECK(int16["/1/fc"] == 80);
  CHECK(formatLayerInstructions("/1/fc", prices["/1/fc"], int16["/1/fc"]) == "/1/fc=int8:50,a16:80");
  CHECK_FALSE(parseLayerInstructions("conv", prices, int16, error));
  CHECK_FALSE(parseLayerInstructions("conv=int8:-1", prices, int16, error));
  CHECK_FALSE(parseLayerInstructions("conv=int3:5", prices, int16, error));
  CHECK(error.find("PRECISION:INSTRUCTIONS") != std::string::npos);
}

TEST_CASE("precisions parse in their long and short forms") {
  CHECK(parsePrecision("int4") == WeightPrecision::Int4);
  CHECK(parsePrecision("t") == WeightPrecision::Ternary);
  CHECK(parsePrecision("2") == WeightPrecision::Int2);
  CHECK_FALSE(parsePrecision("int3").has_value());
  std::string err;
  auto lp = parseLayerPrecision("w4a8", err);
  REQUIRE(lp.has_value());
  CHECK(lp->weights == WeightPrecision::Int4);
  CHECK(parseLayerPrecision("wta8", err)->weights == WeightPrecision::Ternary);
  CHECK_FALSE(parseLayerPrecision("w4a16", err).has_value());
  CHECK(err.find("write w8a16") != std::string::npos);
  CHECK_FALSE(parseLayerPrecision("x4", err).has_value());
  CHECK(packedBytes(WeightPrecision::Int4, 3, 5) == 9); // rows byte-aligned: 3 x ceil(5/2)
  CHECK(packedBytes(WeightPrecision::Ternary, 2, 9) == 6);
}

TEST_CASE("per-channel weight quantization: TFLite's int8 rule; narrower grids in range, no worse than max-scaling") {
  mlir::MLIRContext ctx;
  std::mt19937 rng(3);
  std::normal_distribution<float> g(0.0f, 0.1f);
  const int64_t M = 6, K = 50;
  std::vector<float> w(M * K);
  for (float &v : w)
    v = g(rng);
  w[7] = 0.9f; // an outlier: clipping it helps the narrow grids
  auto type = mlir::RankedTensorType::get({M, K}, mlir::Float32Type::get(&ctx));
  auto attr = mlir::DenseElementsAttr::get(type, llvm::ArrayRef<float>(w));
  ChannelQuantized q8 = quantizePerChannel(attr, WeightPrecision::Int8);
  for (int64_t m = 0; m < M; ++m) {
    float amax = 0;
    for (int64_t k = 0; k < K; ++k)
      amax = std::max(amax, std::fabs(w[m * K + k]));
    CHECK(q8.scales[m] == (double)(float)(amax / 127.0f));
    for (int64_t k = 0; k < K; ++k)
      CHECK(q8.values[m * K + k] == (int64_t)std::round(w[m * K + k] / q8.scales[m]));
  }
  for (WeightPrecision p : {WeightPrecision::Int4, WeightPrecision::Int2, WeightPrecision::Ternary}) {
    ChannelQuantized q = quantizePerChannel(attr, p);
    for (int64_t m = 0; m < M; ++m) {
      float amax = 0;
      for (int64_t k = 0; k < K; ++k)
        amax = std::max(amax, std::fabs(w[m * K + k]));
      double s0 = amax / valueMax(p), errQ = 0, err0 = 0;
      for (int64_t k = 0; k < K; ++k) {
        int64_t v = q.values[m * K + k];
        CHECK(v >= valueMin(p));
        CHECK(v <= valueMax(p));
        double r0 = std::clamp<double>(std::round(w[m * K + k] / s0), (double)valueMin(p), (double)valueMax(p));
        errQ += std::pow(w[m * K + k] - v * q.scales[m], 2), err0 += std::pow(w[m * K + k] - r0 * s0, 2);
      }
      CHECK(errQ <= err0 * (1 + 1e-6));
    }
  }
}

TEST_CASE("the sensitivity's sample count is in samples, whatever the batch the model is bound to") {
  PrecisionRequest r;
  r.precision = "auto";
  r.samples = 64;
  std::vector<Tensor> ones(256, Tensor{{1, 1, 8, 8}, std::vector<float>(64)});
  std::vector<Tensor> sixteens(16, Tensor{{16, 1, 8, 8}, std::vector<float>(1024)});
  CHECK(measuredBatches(r, ones) == 64);
  CHECK(heldOut(r, ones) == 64);
  CHECK(measuredBatches(r, sixteens) == 4); // 64 samples: 4 batches of 16
  CHECK(heldOut(r, sixteens) == 4);
  std::vector<Tensor> few(100, Tensor{{1, 1, 8, 8}, std::vector<float>(64)});
  CHECK(heldOut(r, few) == 0); // fewer than twice: the error feedback sees them all
  r.precision = "int4";
  CHECK(heldOut(r, ones) == 0);
}
