// Window geometry and broadcasting: the rules shape inference and the
// ONNX -> nn conversion share.
#include "dialects/ONNX/ONNXAttrUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/MLIRContext.h"
#include <catch2/catch.hpp>

using namespace emlc::onnx;

TEST_CASE("explicit pads and strides give floor((in + pads - eff) / stride) + 1") {
  WindowGeometry g;
  int64_t pads[] = {1, 1, 1, 1}, strides[] = {2, 2};
  WindowAttrs a;
  a.pads = pads;
  a.strides = strides;
  REQUIRE(resolveWindow(a, {7, 8}, {3, 3}, g, false).empty());
  CHECK(g.out == std::vector<int64_t>{4, 4});
  CHECK(g.padsBegin == std::vector<int64_t>{1, 1});
}

TEST_CASE("SAME_UPPER puts the odd padding at the end, SAME_LOWER at the start") {
  WindowGeometry up, low;
  WindowAttrs upper, lower;
  upper.autoPad = "SAME_UPPER";
  lower.autoPad = "SAME_LOWER";
  REQUIRE(resolveWindow(upper, {4}, {2}, up, false).empty());
  REQUIRE(resolveWindow(lower, {4}, {2}, low, false).empty());
  CHECK(up.out[0] == 4);
  CHECK((up.padsBegin[0] == 0 && up.padsEnd[0] == 1));
  CHECK((low.padsBegin[0] == 1 && low.padsEnd[0] == 0));
}

TEST_CASE("ceil_mode adds a last window only if it starts inside the input") {
  WindowGeometry g;
  int64_t strides[] = {2};
  WindowAttrs a;
  a.ceilMode = true;
  a.strides = strides;
  REQUIRE(resolveWindow(a, {5}, {2}, g, true).empty());
  CHECK(g.out[0] == 3);     // windows at 0, 2, 4
  CHECK(g.padsEnd[0] == 1); // the last window reads one padded element
}

TEST_CASE("an unknown auto_pad is an error naming the value") {
  WindowGeometry g;
  WindowAttrs a;
  a.autoPad = "X";
  std::string err = resolveWindow(a, {4}, {3}, g, false);
  CHECK(err.find("'X'") != std::string::npos);
}

TEST_CASE("numpy broadcasting") {
  llvm::SmallVector<int64_t> out;
  REQUIRE(broadcastShapes({2, 1, 3}, {4, 1}, out));
  CHECK(std::vector<int64_t>(out.begin(), out.end()) == std::vector<int64_t>{2, 4, 3});
  CHECK_FALSE(broadcastShapes({2, 3}, {4}, out));
}
