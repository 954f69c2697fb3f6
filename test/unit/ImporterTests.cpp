// The importer never crashes on bad bytes and names what is wrong.
#include "dialects/ONNX/ONNXDialect.h"
#include "emlc/Importer/Importer.h"
#include "mlir/IR/MLIRContext.h"
#include <catch2/catch.hpp>
#include <fstream>
#include <random>
#include <sstream>

static std::string readFile(const std::string &path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST_CASE("empty and garbage bytes are rejected as not ONNX") {
  mlir::MLIRContext ctx;
  auto r = emlc::importONNXBytes("", "", ctx, {});
  CHECK_FALSE(r.module);
  CHECK(r.error.find("not a valid ONNX model") != std::string::npos);
  r = emlc::importONNXBytes(std::string("\xff\xff\xff\xff garbage", 12), "", ctx, {});
  CHECK_FALSE(r.module);
}

TEST_CASE("every truncation of a real model fails cleanly or imports") {
  std::string bytes = readFile(std::string(EMLC_TEST_INPUTS) + "/tiny_cnn.onnx");
  REQUIRE(bytes.size() > 100);
  for (size_t n = 0; n < bytes.size(); n += 7) {
    mlir::MLIRContext ctx;
    auto r = emlc::importONNXBytes(bytes.substr(0, n), "", ctx, {});
    CHECK((r.module || !r.error.empty()));
  }
}

TEST_CASE("random byte flips never crash the importer") {
  std::string bytes = readFile(std::string(EMLC_TEST_INPUTS) + "/tiny_cnn.onnx");
  std::mt19937 rng(1234);
  for (int i = 0; i < 300; ++i) {
    std::string b = bytes;
    for (int k = 0; k < 3; ++k)
      b[rng() % b.size()] = (char)(rng() & 0xff);
    mlir::MLIRContext ctx;
    auto r = emlc::importONNXBytes(b, "", ctx, {});
    CHECK((r.module || !r.error.empty()));
  }
}

TEST_CASE("a dynamic batch defaults to 1 with a warning, or takes --shape") {
  std::string bytes = readFile(std::string(EMLC_TEST_INPUTS) + "/tiny_cnn.onnx");
  mlir::MLIRContext ctx;
  auto r = emlc::importONNXBytes(bytes, "", ctx, {});
  REQUIRE(r.module);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].find("dimension 0 ('N') is dynamic") != std::string::npos);
  emlc::ImportOptions o;
  o.inputShapes["x"] = {4, 1, 8, 8};
  mlir::MLIRContext ctx2;
  auto r2 = emlc::importONNXBytes(bytes, "", ctx2, o);
  REQUIRE(r2.module);
  CHECK(r2.warnings.empty());
}

TEST_CASE("a shape binding for a name that is not an input lists the inputs") {
  std::string bytes = readFile(std::string(EMLC_TEST_INPUTS) + "/tiny_cnn.onnx");
  emlc::ImportOptions o;
  o.inputShapes["nope"] = {1};
  mlir::MLIRContext ctx;
  auto r = emlc::importONNXBytes(bytes, "", ctx, o);
  CHECK_FALSE(r.module);
  CHECK(r.error.find("(inputs: x)") != std::string::npos);
}

TEST_CASE("mnemonics are snake_case ONNX names") {
  CHECK(emlc::onnx::mnemonicFor("GlobalAveragePool") == "global_average_pool");
  CHECK(emlc::onnx::mnemonicFor("LSTM") == "lstm");
  CHECK(emlc::onnx::mnemonicFor("PRelu") == "p_relu");
}
