// ONNX export (lib/Export): a float nn module written as ONNX and imported
// again computes what it computed (the interpreter on both, 1e-5 x max|ref|),
// keeps the graph's input/output names, shapes and opset, and is written the
// same way twice. Over every float shared model (on its test_data_set_0
// input) and the ONNX backend tests of the nn ops those models do not use.
// (ONNX Runtime on the written files: test/e2e/check_onnx_export.py.)
#include "emlc/Export/ONNXExport.h"
#include "emlc/Importer/Importer.h"
#include "emlc/Interpreter/Interpreter.h"
#include "emlc/Pipeline/Pipeline.h"
#include "emlc/Support/TensorFiles.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <onnx/onnx_pb.h>

using namespace mlir;

namespace {

struct Context {
  MLIRContext ctx;
  Context() {
    DialectRegistry reg;
    emlc::registerEmlcDialects(reg);
    ctx.appendDialectRegistry(reg);
    ctx.loadAllAvailableDialects();
  }
};

emlc::Tensor readTensor(const std::string &path, MLIRContext &ctx) {
  DenseElementsAttr a;
  std::string err;
  INFO(path);
  REQUIRE(emlc::readTensorFile(path, ctx, a, err));
  emlc::Tensor t;
  t.shape.assign(a.getType().getShape().begin(), a.getType().getShape().end());
  if (llvm::isa<FloatType>(a.getElementType())) {
    for (const APFloat &x : a.getValues<APFloat>())
      t.data.push_back((float)x.convertToDouble());
  } else {
    for (const APInt &x : a.getValues<APInt>())
      t.data.push_back((float)x.getSExtValue());
  }
  return t;
}

/// Import (with `bound` inputs fixed from files) and the onnx -> nn pipeline.
OwningOpRef<ModuleOp> toNN(MLIRContext &ctx, const std::string *path, const std::string *bytes,
                           const std::map<std::string, std::string> &bound = {},
                           const std::vector<emlc::Tensor> &inputs = {}) {
  emlc::ImportOptions io;
  io.inputValues = bound;
  if (path) { // the inputs' shapes bound from the data (a batch of 16 in digits-cnn's), as --shape does
    std::vector<std::string> names = emlc::graphInputNames(*path);
    for (size_t k = 0; k < inputs.size() && k < names.size(); ++k)
      io.inputShapes[names[k]] = inputs[k].shape;
  }
  emlc::ImportResult imp = path ? emlc::importONNXFile(*path, ctx, io) : emlc::importONNXBytes(*bytes, ".", ctx, io);
  INFO(imp.error);
  REQUIRE(imp.module);
  PassManager pm(&ctx);
  emlc::buildONNXToNNPipeline(pm);
  REQUIRE(succeeded(pm.run(*imp.module)));
  return std::move(imp.module);
}

std::vector<emlc::Tensor> run(ModuleOp m, const std::vector<emlc::Tensor> &inputs) {
  std::vector<emlc::Tensor> out;
  std::string err;
  emlc::Interpreter interp(m.lookupSymbol<func::FuncOp>("main"));
  bool ok = interp.run(inputs, out, err);
  INFO(err);
  REQUIRE(ok);
  return out;
}

std::string signature(ModuleOp m) {
  std::string s;
  llvm::raw_string_ostream os(s);
  auto fn = m.lookupSymbol<func::FuncOp>("main");
  for (unsigned i = 0; i < fn.getNumArguments(); ++i)
    os << "in " << fn.getArgAttrOfType<StringAttr>(i, "emlc.name").getValue() << ": " << fn.getArgument(i).getType()
       << "\n";
  for (unsigned i = 0; i < fn.getNumResults(); ++i)
    os << "out " << fn.getResultAttrOfType<StringAttr>(i, "emlc.name").getValue() << ": " << fn.getResultTypes()[i]
       << "\n";
  os << "opset " << m->getAttrOfType<IntegerAttr>("emlc.opset").getInt() << "\n";
  return os.str();
}

/// Exports the nn module of `model`, imports the bytes again and compares
/// the interpreter's outputs on `inputs` (relative 1e-5, integers exactly).
/// Returns the largest relative error seen.
double roundTrip(const std::string &model, const std::vector<emlc::Tensor> &inputs,
                 const std::map<std::string, std::string> &bound = {}) {
  Context c;
  OwningOpRef<ModuleOp> nn = toNN(c.ctx, &model, nullptr, bound, inputs);
  std::vector<emlc::Tensor> want = run(*nn, inputs);
  std::string bytes, again;
  std::string diag;
  ScopedDiagnosticHandler h(&c.ctx, [&](Diagnostic &d) {
    diag += d.str() + "\n";
    return success();
  });
  REQUIRE(succeeded(emlc::exportONNX(*nn, {}, bytes)));
  REQUIRE(succeeded(emlc::exportONNX(*nn, {}, again)));
  CHECK(bytes == again); // deterministic
  ::onnx::ModelProto proto;
  REQUIRE(proto.ParseFromString(bytes));
  for (const auto &t : proto.graph().initializer()) // weights as raw float32/int data
    CHECK((t.has_raw_data() || t.dims_size() > 0));
  Context c2;
  OwningOpRef<ModuleOp> back = toNN(c2.ctx, nullptr, &bytes);
  CHECK(signature(*back) == signature(*nn));
  std::vector<emlc::Tensor> got = run(*back, inputs);
  REQUIRE(got.size() == want.size());
  double worst = 0;
  for (size_t o = 0; o < want.size(); ++o) {
    INFO("output " << o);
    REQUIRE(got[o].shape == want[o].shape);
    double maxErr = 0, maxRef = 0;
    for (int64_t i = 0; i < want[o].size(); ++i) {
      maxErr = std::max(maxErr, (double)std::fabs(got[o].data[i] - want[o].data[i]));
      maxRef = std::max(maxRef, (double)std::fabs(want[o].data[i]));
    }
    CHECK(maxErr <= 1e-5 * maxRef);
    worst = std::max(worst, maxRef > 0 ? maxErr / maxRef : maxErr);
  }
  return worst;
}

} // namespace

TEST_CASE("every float shared model survives ONNX export and import unchanged") {
  std::string models = EMLC_SHARED_MODELS;
  for (const char *name :
       {"fashion-cnn-fp32", "fashion-dscnn-fp32", "fashion-mlp-fp32", "digits-cnn-fp32-op13", "digits-cnn-fp32-bn-op13",
        "mlperftiny-ad-fc-autoencoder-fp32", "mlperftiny-ic-resnet8-fp32", "mlperftiny-kws-dscnn-fp32-int8weights",
        "mlperftiny-vww-mobilenetv1-0.25-fp32", "mnist-8", "onnx2c-atmega-mnist-14x14", "tflm-hello-world-sine"}) {
    std::string dir = models + "/" + name;
    if (!std::filesystem::exists(dir)) {
      WARN("../shared/models absent: " << name << " not checked");
      continue;
    }
    DYNAMIC_SECTION(name) {
      Context c;
      std::vector<emlc::Tensor> inputs;
      for (int k = 0; std::filesystem::exists(dir + "/test_data_set_0/input_" + std::to_string(k) + ".pb"); ++k)
        inputs.push_back(readTensor(dir + "/test_data_set_0/input_" + std::to_string(k) + ".pb", c.ctx));
      roundTrip(dir + "/model.onnx", inputs);
    }
  }
}

namespace {
std::string backendTestDir(const std::string &test) {
  for (const char *base :
       {"/usr/lib/python3/dist-packages/onnx/backend/test/data/", "/usr/share/libonnx-testdata/data/"})
    if (std::filesystem::exists(std::string(base) + test + "/model.onnx"))
      return base + test;
  return "";
}
} // namespace

// The nn ops and kinds the shared models do not use, from ONNX backend tests
// (the number: leading inputs fed at run time; the others are bound as
// constants, as --input-value does).
TEST_CASE("ONNX export keeps what the other nn ops compute") {
  std::vector<std::pair<const char *, size_t>> tests = {
      {"node/test_convtranspose", 2},
      {"node/test_convtranspose_pads", 2},
      {"node/test_convtranspose_dilations", 2},
      {"node/test_conv_with_strides_and_asymmetric_padding", 2},
      {"node/test_layer_normalization_4d_axis1", 3},
      {"node/test_gather_0", 2},
      {"node/test_gather_negative_indices", 2},
      {"node/test_resize_downsample_scales_cubic_A_n0p5_exclude_outside", 1},
      {"node/test_resize_upsample_scales_linear_align_corners", 1},
      {"node/test_resize_upsample_sizes_nearest_ceil_half_pixel", 1},
      {"node/test_resize_downsample_sizes_linear_pytorch_half_pixel", 1},
      {"node/test_reflect_pad", 1},
      {"node/test_edge_pad", 1},
      {"node/test_constant_pad", 1},
      {"node/test_cast_FLOAT_to_DOUBLE", 1},
      {"node/test_slice", 1},
      {"node/test_slice_neg_steps", 1},
      {"node/test_concat_3d_axis_negative_2", 2},
      {"node/test_transpose_all_permutations_3", 1},
      {"node/test_softmax_axis_0", 1},
      {"node/test_logsoftmax_axis_1", 1},
      {"node/test_reduce_mean_do_not_keepdims_random", 1},
      {"node/test_reduce_sum_keepdims_random", 1},
      {"node/test_reduce_max_do_not_keepdims_random", 1},
      {"node/test_reduce_min_keepdims_random", 1},
      {"node/test_matmul_4d", 2},
      {"node/test_averagepool_2d_pads_count_include_pad", 1},
      {"node/test_averagepool_2d_ceil", 1},
      {"node/test_maxpool_2d_dilations", 1},
      {"node/test_maxpool_2d_ceil", 1},
      {"node/test_prelu_broadcast", 2},
      {"node/test_pow", 2},
      {"node/test_min_two_inputs", 2},
      {"node/test_max_two_inputs", 2},
      {"node/test_div", 2},
      {"node/test_sub", 2},
      {"node/test_hardswish", 1},
      {"node/test_leakyrelu", 1},
      {"node/test_clip", 1},
      {"node/test_clip_default_int8_min", 1},
      {"node/test_erf", 1},
      {"node/test_round", 1},
      {"node/test_sigmoid", 1},
      {"node/test_tanh", 1},
      {"node/test_sqrt", 1},
      {"node/test_reciprocal", 1},
      {"node/test_floor", 1},
      {"node/test_neg", 1},
      {"node/test_abs", 1},
      {"node/test_sin", 1},
      {"node/test_exp", 1},
  };
  for (auto [test, fed] : tests)
    DYNAMIC_SECTION(test) {
      std::string dir = backendTestDir(test);
      if (dir.empty()) {
        WARN("ONNX backend test data absent: " << test << " not checked");
        continue;
      }
      Context c;
      std::string model = dir + "/model.onnx", data = dir + "/test_data_set_0/";
      std::vector<std::string> names = emlc::graphInputNames(model);
      std::map<std::string, std::string> bound;
      for (size_t k = fed; k < names.size(); ++k)
        bound[names[k]] = data + "input_" + std::to_string(k) + ".pb";
      std::vector<emlc::Tensor> inputs;
      for (size_t k = 0; k < fed; ++k)
        inputs.push_back(readTensor(data + "input_" + std::to_string(k) + ".pb", c.ctx));
      roundTrip(model, inputs, bound);
    }
}

TEST_CASE("ONNX export refuses opsets before 7 (no numpy broadcasting), saying so") {
  // Selu, Elu, HardSigmoid, Softplus, Softsign and InstanceNormalization's backend tests are opset 6;
  // test/e2e/check_onnx_export.py runs those ops at opsets 11, 13 and 17 in ONNX Runtime.
  std::string dir = backendTestDir("node/test_selu");
  if (dir.empty()) {
    WARN("ONNX backend test data absent");
    return;
  }
  Context c;
  std::string model = dir + "/model.onnx";
  OwningOpRef<ModuleOp> nn = toNN(c.ctx, &model, nullptr);
  std::string diag;
  ScopedDiagnosticHandler h(&c.ctx, [&](Diagnostic &d) {
    diag += d.str() + "\n";
    return success();
  });
  std::string bytes;
  CHECK(failed(emlc::exportONNX(*nn, {}, bytes)));
  CHECK(diag.find("opset 7 or newer; the model uses opset 6") != std::string::npos);
}

TEST_CASE("ONNX export refuses quantized tensors, naming the node") {
  std::string dir = std::string(EMLC_SHARED_MODELS) + "/mlperftiny-kws-dscnn-int8-qdq";
  if (!std::filesystem::exists(dir)) {
    WARN("../shared/models absent");
    return;
  }
  Context c;
  std::string model = dir + "/model.onnx";
  OwningOpRef<ModuleOp> nn = toNN(c.ctx, &model, nullptr);
  std::string diag;
  ScopedDiagnosticHandler h(&c.ctx, [&](Diagnostic &d) {
    if (auto n = llvm::dyn_cast<NameLoc>(d.getLocation()))
      diag += "node '" + n.getName().str() + "': ";
    diag += d.str() + "\n";
    return success();
  });
  std::string bytes;
  CHECK(failed(emlc::exportONNX(*nn, {}, bytes)));
  INFO(diag);
  CHECK(diag.find("ONNX export") != std::string::npos);
  CHECK(diag.find("quantized") != std::string::npos);
}
