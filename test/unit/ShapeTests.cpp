// Window geometry and broadcasting: the rules shape inference and the
// ONNX -> nn conversion share.
#include "dialects/ONNX/ONNXAttrUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/MLIRContext.h"
#include <catch2/catch.hpp>

using namespace emlc::onnx;

static mlir::DictionaryAttr attrs(mlir::MLIRContext &ctx, std::vector<mlir::NamedAttribute> a) {
  return mlir::DictionaryAttr::get(&ctx, a);
}

TEST_CASE("explicit pads and strides give floor((in + pads - eff) / stride) + 1") {
  mlir::MLIRContext ctx;
  mlir::Builder b(&ctx);
  WindowGeometry g;
  auto a = attrs(ctx, {b.getNamedAttr("pads", b.getDenseI64ArrayAttr({1, 1, 1, 1})),
                       b.getNamedAttr("strides", b.getDenseI64ArrayAttr({2, 2}))});
  REQUIRE(resolveWindow(a, {7, 8}, {3, 3}, g, false).empty());
  CHECK(g.out == std::vector<int64_t>{4, 4});
  CHECK(g.padsBegin == std::vector<int64_t>{1, 1});
}

TEST_CASE("SAME_UPPER puts the odd padding at the end, SAME_LOWER at the start") {
  mlir::MLIRContext ctx;
  mlir::Builder b(&ctx);
  WindowGeometry up, low;
  REQUIRE(resolveWindow(attrs(ctx, {b.getNamedAttr("auto_pad", b.getStringAttr("SAME_UPPER"))}), {4}, {2}, up, false)
              .empty());
  REQUIRE(resolveWindow(attrs(ctx, {b.getNamedAttr("auto_pad", b.getStringAttr("SAME_LOWER"))}), {4}, {2}, low, false)
              .empty());
  CHECK(up.out[0] == 4);
  CHECK((up.padsBegin[0] == 0 && up.padsEnd[0] == 1));
  CHECK((low.padsBegin[0] == 1 && low.padsEnd[0] == 0));
}

TEST_CASE("ceil_mode adds a last window only if it starts inside the input") {
  mlir::MLIRContext ctx;
  mlir::Builder b(&ctx);
  WindowGeometry g;
  auto a = attrs(ctx, {b.getNamedAttr("ceil_mode", b.getI64IntegerAttr(1)),
                       b.getNamedAttr("strides", b.getDenseI64ArrayAttr({2}))});
  REQUIRE(resolveWindow(a, {5}, {2}, g, true).empty());
  CHECK(g.out[0] == 3);    // windows at 0, 2, 4
  CHECK(g.padsEnd[0] == 1); // the last window reads one padded element
}

TEST_CASE("an unknown auto_pad is an error naming the value") {
  mlir::MLIRContext ctx;
  mlir::Builder b(&ctx);
  WindowGeometry g;
  std::string err = resolveWindow(attrs(ctx, {b.getNamedAttr("auto_pad", b.getStringAttr("X"))}), {4}, {3}, g, false);
  CHECK(err.find("'X'") != std::string::npos);
}

TEST_CASE("numpy broadcasting") {
  llvm::SmallVector<int64_t> out;
  REQUIRE(broadcastShapes({2, 1, 3}, {4, 1}, out));
  CHECK(std::vector<int64_t>(out.begin(), out.end()) == std::vector<int64_t>{2, 4, 3});
  CHECK_FALSE(broadcastShapes({2, 3}, {4}, out));
}
