// The reference interpreter against independent references: the float shared
// models' test_data_set outputs (computed by ONNX Runtime / the model authors),
// the ONNX backend node tests' reference outputs (the ONNX reference
// implementation) for the ops the float models do not use, a hand-computed
// quantized layer, and casts between integer types computed with numpy.
#include "emlc/Importer/Importer.h"
#include "emlc/Interpreter/Interpreter.h"
#include "emlc/Interpreter/LayerInputs.h"
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

namespace {
/// A registered context, as emlc compile has it.
struct Context {
  MLIRContext ctx;
  Context() {
    DialectRegistry reg;
    emlc::registerEmlcDialects(reg);
    ctx.appendDialectRegistry(reg);
    ctx.loadAllAvailableDialects();
  }
};

/// Any tensor file's values as the interpreter holds them (floats; integers
/// and booleans by value).
emlc::Tensor anyTensorFromFile(const std::string &path, MLIRContext &ctx, bool &integer) {
  DenseElementsAttr a;
  std::string err;
  INFO(path);
  REQUIRE(emlc::readTensorFile(path, ctx, a, err));
  emlc::Tensor t;
  t.shape.assign(a.getType().getShape().begin(), a.getType().getShape().end());
  Type e = a.getElementType();
  integer = !llvm::isa<FloatType>(e);
  if (!integer) {
    for (const APFloat &x : a.getValues<APFloat>())
      t.data.push_back((float)x.convertToDouble());
  } else {
    bool isUnsigned = e.isUnsignedInteger() || e.isInteger(1);
    for (const APInt &x : a.getValues<APInt>())
      t.data.push_back((float)(isUnsigned ? (double)x.getZExtValue() : (double)x.getSExtValue()));
  }
  return t;
}

/// The ONNX backend tests' data (python3-onnx's copy; Debian's libonnx-testdata
/// holds the same files).
std::string backendTestDir(const std::string &test) {
  for (const char *base :
       {"/usr/lib/python3/dist-packages/onnx/backend/test/data/", "/usr/share/libonnx-testdata/data/"})
    if (std::filesystem::exists(std::string(base) + test + "/model.onnx"))
      return base + test;
  return "";
}

/// Runs ONNX backend test `test` (suite/name) through the importer, the nn
/// lowering and the interpreter: its first `fed` inputs from test_data_set_0
/// are the function's arguments, the others (Resize's scales, Pad's pads: the
/// parameters a compile needs as constants) are bound as --input-value binds
/// them. Every output must match the reference within 1e-4 x its largest
/// magnitude (+1e-6), integer outputs exactly.
void checkBackendTest(const std::string &test, size_t fed) {
  std::string dir = backendTestDir(test);
  if (dir.empty()) {
    WARN("ONNX backend test data absent: " << test << " not checked");
    return;
  }
  INFO(test);
  Context c;
  std::string model = dir + "/model.onnx", data = dir + "/test_data_set_0/";
  std::vector<std::string> names = emlc::graphInputNames(model);
  REQUIRE(names.size() >= fed);
  emlc::ImportOptions opts;
  for (size_t k = fed; k < names.size(); ++k)
    opts.inputValues[names[k]] = data + "input_" + std::to_string(k) + ".pb";
  auto imp = emlc::importONNXFile(model, c.ctx, opts);
  INFO(imp.error);
  REQUIRE(imp.module);
  PassManager pm(&c.ctx);
  emlc::buildONNXToNNPipeline(pm);
  REQUIRE(succeeded(pm.run(*imp.module)));
  std::vector<emlc::Tensor> ins, out;
  bool integer;
  for (size_t k = 0; k < fed; ++k)
    ins.push_back(anyTensorFromFile(data + "input_" + std::to_string(k) + ".pb", c.ctx, integer));
  std::string err;
  emlc::Interpreter interp(imp.module->lookupSymbol<func::FuncOp>("main"));
  bool ran = interp.run(ins, out, err);
  INFO(err);
  REQUIRE(ran);
  for (size_t o = 0; std::filesystem::exists(data + "output_" + std::to_string(o) + ".pb"); ++o) {
    INFO("output " << o);
    REQUIRE(o < out.size());
    emlc::Tensor want = anyTensorFromFile(data + "output_" + std::to_string(o) + ".pb", c.ctx, integer);
    REQUIRE(out[o].size() == want.size());
    double maxErr = 0, maxRef = 0;
    for (int64_t i = 0; i < want.size(); ++i) {
      maxErr = std::max(maxErr, (double)std::fabs(out[o].data[i] - want.data[i]));
      maxRef = std::max(maxRef, (double)std::fabs(want.data[i]));
    }
    CHECK(maxErr <= (integer ? 0.0 : 1e-6 + 1e-4 * maxRef));
  }
}
} // namespace

// Each op the float shared models do not use, on the backend tests of its
// ONNX operators (the number is how many leading inputs are fed at run time).
TEST_CASE("the interpreter reproduces the ONNX backend tests' reference outputs") {
  std::vector<std::pair<const char *, size_t>> tests = {
      // nn.conv_transpose2d
      {"node/test_convtranspose", 2},
      {"node/test_convtranspose_1d", 2},
      {"node/test_convtranspose_autopad_same", 2},
      {"node/test_convtranspose_dilations", 2},
      {"node/test_convtranspose_kernel_shape", 2},
      {"node/test_convtranspose_output_shape", 2},
      {"node/test_convtranspose_pad", 2},
      {"node/test_convtranspose_pads", 2},
      {"node/test_convtranspose_with_kernel", 2},
      {"pytorch-converted/test_ConvTranspose2d", 1},
      {"pytorch-converted/test_ConvTranspose2d_no_bias", 1},
      {"pytorch-operator/test_operator_convtranspose", 1},
      // nn.normalize (LayerNormalization with its Mean and InvStdDev outputs; InstanceNormalization)
      {"node/test_layer_normalization_2d_axis0", 3},
      {"node/test_layer_normalization_2d_axis1", 3},
      {"node/test_layer_normalization_2d_axis_negative_1", 3},
      {"node/test_layer_normalization_2d_axis_negative_2", 3},
      {"node/test_layer_normalization_3d_axis0_epsilon", 3},
      {"node/test_layer_normalization_3d_axis1_epsilon", 3},
      {"node/test_layer_normalization_3d_axis2_epsilon", 3},
      {"node/test_layer_normalization_3d_axis_negative_1_epsilon", 3},
      {"node/test_layer_normalization_3d_axis_negative_2_epsilon", 3},
      {"node/test_layer_normalization_3d_axis_negative_3_epsilon", 3},
      {"node/test_layer_normalization_4d_axis0", 3},
      {"node/test_layer_normalization_4d_axis1", 3},
      {"node/test_layer_normalization_4d_axis2", 3},
      {"node/test_layer_normalization_4d_axis3", 3},
      {"node/test_layer_normalization_4d_axis_negative_1", 3},
      {"node/test_layer_normalization_4d_axis_negative_2", 3},
      {"node/test_layer_normalization_4d_axis_negative_3", 3},
      {"node/test_layer_normalization_4d_axis_negative_4", 3},
      {"node/test_layer_normalization_default_axis", 3},
      {"node/test_instancenorm_epsilon", 3},
      {"node/test_instancenorm_example", 3},
      {"pytorch-operator/test_operator_symbolic_override", 1},
      // nn.gather (constant and run-time indices, negative ones)
      {"node/test_gather_0", 2},
      {"node/test_gather_1", 2},
      {"node/test_gather_2d_indices", 2},
      {"node/test_gather_negative_indices", 2},
      {"pytorch-converted/test_Embedding", 1},
      // nn.resize: nearest (every nearest_mode), linear and cubic; every coordinate mode emlc compiles
      {"node/test_resize_downsample_scales_cubic", 1},
      {"node/test_resize_downsample_scales_cubic_A_n0p5_exclude_outside", 1},
      {"node/test_resize_downsample_scales_cubic_align_corners", 1},
      {"node/test_resize_downsample_scales_linear", 1},
      {"node/test_resize_downsample_scales_linear_align_corners", 1},
      {"node/test_resize_downsample_scales_nearest", 1},
      {"node/test_resize_downsample_sizes_cubic", 1},
      {"node/test_resize_downsample_sizes_linear_pytorch_half_pixel", 1},
      {"node/test_resize_downsample_sizes_nearest", 1},
      {"node/test_resize_downsample_sizes_nearest_tf_half_pixel_for_nn", 1},
      {"node/test_resize_upsample_scales_cubic", 1},
      {"node/test_resize_upsample_scales_cubic_A_n0p5_exclude_outside", 1},
      {"node/test_resize_upsample_scales_cubic_align_corners", 1},
      {"node/test_resize_upsample_scales_cubic_asymmetric", 1},
      {"node/test_resize_upsample_scales_linear", 1},
      {"node/test_resize_upsample_scales_linear_align_corners", 1},
      {"node/test_resize_upsample_scales_nearest", 1},
      {"node/test_resize_upsample_sizes_cubic", 1},
      {"node/test_resize_upsample_sizes_nearest", 1},
      {"node/test_resize_upsample_sizes_nearest_ceil_half_pixel", 1},
      {"node/test_resize_upsample_sizes_nearest_floor_align_corners", 1},
      {"node/test_resize_upsample_sizes_nearest_round_prefer_ceil_asymmetric", 1},
      {"node/test_upsample_nearest", 1},
      // nn.pad: reflect, edge (and constant)
      {"node/test_reflect_pad", 1},
      {"node/test_edge_pad", 1},
      {"node/test_constant_pad", 1},
      {"pytorch-converted/test_ReflectionPad2d", 1},
      {"pytorch-converted/test_ReplicationPad2d", 1},
      {"pytorch-converted/test_ConstantPad2d", 1},
      {"pytorch-operator/test_operator_pad", 1},
      // nn.cast: float16 and double rounding, float -> uint8 (DynamicQuantizeLinear), int -> float
      {"node/test_cast_FLOAT_to_FLOAT16", 1},
      {"node/test_cast_FLOAT16_to_FLOAT", 1},
      {"node/test_cast_FLOAT_to_DOUBLE", 1},
      {"node/test_cast_DOUBLE_to_FLOAT", 1},
      {"node/test_cast_DOUBLE_to_FLOAT16", 1},
      {"node/test_cast_FLOAT16_to_DOUBLE", 1},
      {"node/test_dynamicquantizelinear", 1},
      {"node/test_dynamicquantizelinear_max_adjusted", 1},
      {"node/test_dynamicquantizelinear_min_adjusted", 1},
      {"node/test_dynamicquantizelinear_expanded", 1},
      {"node/test_pow_types_float32_int32", 2},
      {"node/test_pow_types_float32_int64", 2},
      {"node/test_pow_types_int32_float32", 2},
      {"node/test_pow_types_int64_float32", 2},
      // integer arithmetic: uint8 wraps, integer division truncates, integer pow, int8 clip
      {"node/test_add_uint8", 2},
      {"node/test_sub_uint8", 2},
      {"node/test_mul_uint8", 2},
      {"node/test_div_uint8", 2},
      {"node/test_pow_types_int32_int32", 2},
      {"node/test_pow_types_int64_int64", 2},
      {"node/test_clip_default_int8_min", 1},
      {"node/test_clip_default_int8_max", 1},
      {"node/test_clip_default_int8_inbounds", 1},
  };
  for (auto [test, fed] : tests)
    DYNAMIC_SECTION(test) { checkBackendTest(test, fed); }
}

TEST_CASE("the interpreter casts between integer, float and bool types as C does") {
  // Expected values: numpy's astype (two's complement wrap between integer
  // types, truncation toward zero from float, nonzero -> True), which is
  // ONNX Cast's and the C kernels' (D)x for these values (float -> int32 in
  // range); the integer kernels' x / 0 is 0 (typed.c).
  Context c;
  const char *ir = R"mlir(
func.func @main(%x: tensor<6xf32>) -> (tensor<6xi8>, tensor<6xui8>, tensor<6xi1>, tensor<6xf32>, tensor<6xi16>,
                                       tensor<6xi32>) {
  %i = nn.cast %x : (tensor<6xf32>) -> tensor<6xi32>
  %a = nn.cast %i : (tensor<6xi32>) -> tensor<6xi8>
  %b = nn.cast %i : (tensor<6xi32>) -> tensor<6xui8>
  %t = nn.cast %i : (tensor<6xi32>) -> tensor<6xi1>
  %f = nn.cast %t : (tensor<6xi1>) -> tensor<6xf32>
  %d = nn.binary div %i, %i : (tensor<6xi32>, tensor<6xi32>) -> tensor<6xi32>
  %w = nn.binary mul %i, %i : (tensor<6xi32>, tensor<6xi32>) -> tensor<6xi32>
  %s = nn.cast %w : (tensor<6xi32>) -> tensor<6xi16>
  return %a, %b, %t, %f, %s, %d : tensor<6xi8>, tensor<6xui8>, tensor<6xi1>, tensor<6xf32>, tensor<6xi16>, tensor<6xi32>
})mlir";
  auto module = parseSourceString<ModuleOp>(ir, &c.ctx);
  REQUIRE(module);
  emlc::Interpreter interp(module->lookupSymbol<func::FuncOp>("main"));
  std::vector<emlc::Tensor> out;
  std::string err;
  REQUIRE(interp.run({emlc::Tensor{{6}, {-300.9f, -129.5f, -0.7f, 0.9f, 200.2f, 1000.0f}}}, out, err));
  // int32: -300, -129, 0, 0, 200, 1000
  CHECK(out[0].data == std::vector<float>{-44, 127, 0, 0, -56, -24});          // int8
  CHECK(out[1].data == std::vector<float>{212, 127, 0, 0, 200, 232});          // uint8
  CHECK(out[2].data == std::vector<float>{1, 1, 0, 0, 1, 1});                  // bool
  CHECK(out[3].data == std::vector<float>{1, 1, 0, 0, 1, 1});                  // bool -> float
  CHECK(out[4].data == std::vector<float>{24464, 16641, 0, 0, -25536, 16960}); // x*x in int32, then int16
  CHECK(out[5].data == std::vector<float>{1, 1, 0, 0, 1, 1});                  // x / x, the kernels' x / 0 = 0
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

TEST_CASE("layer input rows: a batch of N samples gives each sample the positions one sample gets") {
  // Error feedback and pruning's correction sample im2col patches per sample; a model bound to batch 16 (emlc
  // verify binds the test data's batch) once spread the positions over the whole batch: 4 a sample for 64, and
  // --precision=auto chose a worse plan (digits-cnn at 5320 bytes: 7.0 dB against 15.0 at batch 1).
  Context c;
  const char *ir = R"mlir(
func.func @main(%x: tensor<2x1x6x6xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<2x2x6x6xf32> {
  %y = nn.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<2x1x6x6xf32>, tensor<2x1x3x3xf32>) -> tensor<2x2x6x6xf32>
  return %y : tensor<2x2x6x6xf32>
})mlir";
  auto module = parseSourceString<ModuleOp>(ir, &c.ctx);
  REQUIRE(module);
  Operation *conv = nullptr;
  module->walk([&](Operation *op) {
    if (op->getName().getStringRef() == "nn.conv2d")
      conv = op;
  });
  REQUIRE(conv);
  emlc::LayerInputRows rows(conv);
  CHECK(rows.K == 9);
  emlc::Tensor x{{2, 1, 6, 6}, std::vector<float>(72)};
  for (size_t i = 0; i < x.data.size(); ++i)
    x.data[i] = (float)i;
  std::vector<std::vector<double>> seen;
  rows.forEach(x, 9, [&](int64_t g, const std::vector<double> &v) {
    CHECK(g == 0);
    seen.push_back(v);
  });
  // 36 positions a sample, every 4th: 9 each; the second sample's patches are the first's plus 36.
  REQUIRE(seen.size() == 18);
  for (size_t p = 0; p < 9; ++p)
    for (size_t k = 0; k < 9; ++k)
      if (seen[p][k] != 0) // the border's zero padding stays zero
        CHECK(seen[9 + p][k] == seen[p][k] + 36);
  CHECK(seen[0][4] == 0); // the first position's centre tap is x[0][0][0][0]
  CHECK(seen[9][4] == 36);
}
