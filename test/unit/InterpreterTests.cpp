// The reference interpreter against independent references: the float shared
// models' test_data_set outputs (computed by ONNX Runtime / the model authors),
// and a hand-computed quantized layer.
#include "emlc/Importer/Importer.h"
#include "emlc/Interpreter/Interpreter.h"
#include "emlc/Pipeline/Pipeline.h"
#include "emlc/Support/TensorFiles.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>

using namespace mlir;

static emlc::Tensor tensorFromFile(const std::string &path, MLIRContext &ctx) {
  DenseElementsAttr a;
  std::string err;
  REQUIRE(emlc::readTensorFile(path, ctx, a, err));
  emlc::Tensor t;
  t.shape.assign(a.getType().getShape().begin(), a.getType().getShape().end());
  for (const APFloat &x : a.getValues<APFloat>())
    t.data.push_back((float)x.convertToDouble());
  return t;
}

TEST_CASE("the interpreter reproduces the float models' reference outputs") {
  std::string models = EMLC_SHARED_MODELS;
  for (const char *name : {"mnist-8", "mlperftiny-ic-resnet8-fp32", "mlperftiny-kws-dscnn-fp32-int8weights",
                           "mlperftiny-ad-fc-autoencoder-fp32"}) {
    std::string dir = models + "/" + name;
    if (!std::filesystem::exists(dir)) {
      WARN("../shared/models absent: " << name << " not checked");
      continue;
    }
    DYNAMIC_SECTION(name) {
      MLIRContext ctx;
      DialectRegistry reg;
      emlc::registerEmlcDialects(reg);
      ctx.appendDialectRegistry(reg);
      ctx.loadAllAvailableDialects();
      auto imp = emlc::importONNXFile(dir + "/model.onnx", ctx, {});
      REQUIRE(imp.module);
      PassManager pm(&ctx);
      emlc::buildONNXToNNPipeline(pm);
      REQUIRE(succeeded(pm.run(*imp.module)));
      auto fn = imp.module->lookupSymbol<func::FuncOp>("main");
      emlc::Tensor in = tensorFromFile(dir + "/test_data_set_0/input_0.pb", ctx);
      emlc::Tensor want = tensorFromFile(dir + "/test_data_set_0/output_0.pb", ctx);
      std::vector<emlc::Tensor> out;
      std::string err;
      emlc::Interpreter interp(fn);
      REQUIRE(interp.run({in}, out, err));
      REQUIRE(out.size() == 1);
      REQUIRE(out[0].size() == want.size());
      double maxErr = 0, maxRef = 0;
      for (int64_t i = 0; i < want.size(); ++i) {
        maxErr = std::max(maxErr, (double)std::fabs(out[0].data[i] - want.data[i]));
        maxRef = std::max(maxRef, (double)std::fabs(want.data[i]));
      }
      CHECK(maxErr <= 1e-4 * maxRef);
    }
  }
}

TEST_CASE("the interpreter rounds quantized results onto their grid") {
  // y = relu-clamped int8 FC: x = [1.0, -0.5] (scale 0.5, zp 0 -> q 2, -1),
  // w = [[2, 4]] (scale 0.25 -> 0.5, 1.0), bias 3 (units 0.125 -> 0.375):
  // 1.0*0.5 - 0.5*1.0 + 0.375 = 0.375 -> scale 0.25, zp -1: round(1.5) - 1 = 1
  // (half away from zero) -> real (1 - -1) * 0.25 = 0.5.
  MLIRContext ctx;
  DialectRegistry reg;
  emlc::registerEmlcDialects(reg);
  ctx.appendDialectRegistry(reg);
  ctx.loadAllAvailableDialects();
  const char *ir = R"mlir(
func.func @main(%x: tensor<1x2xf32>) -> tensor<1x1xf32> {
  %w = arith.constant dense<[[2, 4]]> : tensor<1x2xi8>
  %b = arith.constant dense<[3]> : tensor<1xi32>
  %xq = "quant.qcast"(%x) : (tensor<1x2xf32>) -> tensor<1x2x!quant.uniform<i8:f32, 0.5>>
  %wq = "quant.scast"(%w) : (tensor<1x2xi8>) -> tensor<1x2x!quant.uniform<i8:f32, 0.25>>
  %y = nn.fully_connected %xq, %wq, %b : (tensor<1x2x!quant.uniform<i8:f32, 0.5>>, tensor<1x2x!quant.uniform<i8:f32, 0.25>>, tensor<1xi32>) -> tensor<1x1x!quant.uniform<i8:f32, 0.25:-1>>
  %f = "quant.dcast"(%y) : (tensor<1x1x!quant.uniform<i8:f32, 0.25:-1>>) -> tensor<1x1xf32>
  return %f : tensor<1x1xf32>
})mlir";
  auto module = parseSourceString<ModuleOp>(ir, &ctx);
  REQUIRE(module);
  emlc::Interpreter interp(module->lookupSymbol<func::FuncOp>("main"));
  std::vector<emlc::Tensor> out;
  std::string err;
  REQUIRE(interp.run({emlc::Tensor{{1, 2}, {1.0f, -0.5f}}}, out, err));
  CHECK(out[0].data[0] == 0.5f);
}
