//===- TestSets.cpp - what emlc verify runs a model on --------------------===//

#include "TestSets.h"
#include "emlc/Interpreter/Interpreter.h"
#include "emlc/Support/TensorFiles.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include <algorithm>
#include <cmath>
#include <random>

using namespace mlir;

namespace emlc {
namespace {

std::vector<std::string> filesStartingWith(const std::string &dir, llvm::StringRef prefix) {
  std::vector<std::string> out;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec; it.increment(ec)) {
    llvm::StringRef name = llvm::sys::path::filename(it->path());
    if (name.starts_with(prefix) && name.ends_with(".pb"))
      out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// test_data_set_N folders next to the model, in N order.
std::vector<std::string> testSetFolders(const std::string &modelDir) {
  std::vector<std::pair<int, std::string>> found;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(modelDir, ec), end; it != end && !ec; it.increment(ec)) {
    llvm::StringRef name = llvm::sys::path::filename(it->path());
    int n;
    if (name.consume_front("test_data_set_") && !name.getAsInteger(10, n) && llvm::sys::fs::is_directory(it->path()))
      found.push_back({n, it->path()});
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> dirs;
  for (auto &[n, d] : found)
    dirs.push_back(d);
  return dirs;
}

bool readAll(const std::vector<std::string> &files, MLIRContext &ctx, std::vector<DenseElementsAttr> &out,
             std::string &error) {
  for (const std::string &f : files) {
    DenseElementsAttr a;
    if (!readTensorFile(f, ctx, a, error))
      return false;
    out.push_back(a);
  }
  return true;
}

/// `type` (of the reference module's context) in `ctx`: float32 and integer tensors.
RankedTensorType typeIn(MLIRContext &ctx, Type type, std::string &error) {
  auto t = llvm::cast<RankedTensorType>(type);
  Type e = t.getElementType();
  if (e.isF32())
    return RankedTensorType::get(t.getShape(), Float32Type::get(&ctx));
  if (auto i = llvm::dyn_cast<IntegerType>(e))
    return RankedTensorType::get(t.getShape(), IntegerType::get(&ctx, i.getWidth(), i.getSignedness()));
  std::string s;
  llvm::raw_string_ostream os(s);
  os << e;
  error = "verify's interpreter reference handles float32 and integer tensors, not " + s +
          ": give --expected output_K.pb files";
  return {};
}

DenseElementsAttr fromFloats(RankedTensorType t, llvm::ArrayRef<float> v) {
  if (t.getElementType().isF32())
    return DenseElementsAttr::get(t, v);
  auto it = llvm::cast<IntegerType>(t.getElementType());
  std::vector<llvm::APInt> ints;
  for (float x : v)
    ints.push_back(llvm::APInt(it.getWidth(), (uint64_t)(int64_t)std::llround(x), !it.isUnsigned()));
  return DenseElementsAttr::get(t, ints);
}

Tensor toTensor(DenseElementsAttr a) {
  Tensor t;
  auto shape = a.getType().getShape();
  t.shape.assign(shape.begin(), shape.end());
  if (a.getElementType().isF32()) {
    for (float x : a.getValues<float>())
      t.data.push_back(x);
  } else {
    bool isUnsigned = llvm::cast<IntegerType>(a.getElementType()).isUnsigned();
    for (const llvm::APInt &x : a.getValues<llvm::APInt>())
      t.data.push_back(isUnsigned || x.getBitWidth() == 1 ? (float)x.getZExtValue() : (float)x.getSExtValue());
  }
  return t;
}

/// Seeded values in the natural range of the element type: int8 and uint8 their whole range (an int8 model's
/// input grid), other integers 0 or 1 (flags, small indices), floats uniform in [-1, 1].
std::vector<float> randomValues(Type e, int64_t n, std::mt19937_64 &rng) {
  std::vector<float> v(n);
  auto it = llvm::dyn_cast<IntegerType>(e);
  int64_t lo = 0, hi = 1;
  if (it && it.getWidth() == 8)
    lo = it.isUnsigned() ? 0 : -128, hi = it.isUnsigned() ? 255 : 127;
  std::uniform_int_distribution<int64_t> ints(lo, hi);
  std::uniform_real_distribution<float> reals(-1.0f, 1.0f);
  for (float &x : v)
    x = it ? (float)ints(rng) : reals(rng);
  return v;
}
} // namespace

bool readTestSets(const VerifyOptions &o, MLIRContext &ctx, std::vector<TestSet> &sets, std::string &error) {
  std::string modelDir = llvm::sys::path::parent_path(o.model).str();
  if (modelDir.empty())
    modelDir = ".";
  if (o.input.empty()) {
    for (const std::string &dir : testSetFolders(modelDir)) {
      TestSet s;
      s.name = llvm::sys::path::filename(dir).str();
      if (!readAll(filesStartingWith(dir, "input_"), ctx, s.in, error) ||
          !readAll(filesStartingWith(o.expected.empty() ? dir : o.expected, "output_"), ctx, s.want, error))
        return false;
      if (s.in.empty()) {
        error = dir + " has no input_K.pb files";
        return false;
      }
      sets.push_back(std::move(s));
    }
    if (!sets.empty())
      return true;
    // The model alone: the first calibration sample (a quantized build is compared with the float model on
    // an input from the range it was calibrated for), else seeded random inputs; the interpreter's outputs.
    TestSet s;
    llvm::StringRef calib = o.calibration;
    if (calib.ends_with(".npy")) {
      s.name = "the first sample of " + llvm::sys::path::filename(calib).str();
      s.npy.emplace_back();
      if (!readNpy(o.calibration, s.npy.back().first, s.npy.back().second, error))
        return false;
    } else if (calib.ends_with(".pb")) {
      s.name = llvm::sys::path::filename(calib).str() + " (the calibration input)";
      if (!readAll({o.calibration}, ctx, s.in, error))
        return false;
    } else {
      s.name = "random inputs (seed " + std::to_string(o.seed) + ")";
    }
    sets.push_back(std::move(s));
    return true;
  }
  TestSet s;
  s.name = llvm::sys::path::filename(o.input).str();
  std::string inputDir = o.input;
  if (llvm::sys::fs::is_directory(o.input)) {
    std::vector<std::string> files = filesStartingWith(o.input, "input_");
    if (files.empty()) {
      error = "no input_K.pb files in " + o.input + " (give a .pb or .npy file, or a test_data_set_N folder)";
      return false;
    }
    if (!readAll(files, ctx, s.in, error))
      return false;
  } else if (llvm::StringRef(o.input).ends_with(".npy")) {
    s.npy.emplace_back();
    if (!readNpy(o.input, s.npy.back().first, s.npy.back().second, error))
      return false;
    inputDir = llvm::sys::path::parent_path(o.input).str();
  } else {
    if (!readAll({o.input}, ctx, s.in, error))
      return false;
    inputDir = llvm::sys::path::parent_path(o.input).str();
  }
  // Expected outputs: --expected, or output_K.pb beside a folder's inputs; else the interpreter's.
  if (!o.expected.empty() || llvm::sys::fs::is_directory(o.input))
    if (!readAll(filesStartingWith(o.expected.empty() ? inputDir : o.expected, "output_"), ctx, s.want, error))
      return false;
  if (!o.expected.empty() && s.want.empty()) {
    error = "no output_K.pb files in " + o.expected;
    return false;
  }
  sets.push_back(std::move(s));
  return true;
}

bool interpreterReference(CompileOptions co, uint64_t seed, MLIRContext &ctx, TestSet &set, std::string &error) {
  co.quantize.clear(), co.precision.clear(), co.layerPrecision.clear(), co.prune.clear();
  co.calibrationPath.clear(), co.device.clear(), co.progress = nullptr;
  co.ramLimit = co.flashLimit = co.weightsLimit = -1, co.latencyLimitMs = -1;
  std::mt19937_64 rng(seed);
  bool ran = false;
  co.onNN = [&](ModuleOp module) {
    auto fn = module.lookupSymbol<func::FuncOp>("main");
    if (!fn) {
      error = "the reference compile has no @main";
      return;
    }
    std::vector<Tensor> inputs, outputs;
    bool make = set.in.empty();
    for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
      RankedTensorType t = typeIn(ctx, fn.getArgument(i).getType(), error);
      if (!t)
        return;
      if (make) {
        std::vector<float> v =
            i < set.npy.size() ? set.npy[i].first : randomValues(t.getElementType(), t.getNumElements(), rng);
        if ((int64_t)v.size() > t.getNumElements() && (int64_t)v.size() % t.getNumElements() == 0)
          v.resize(t.getNumElements()); // samples along axis 0: the first
        if ((int64_t)v.size() != t.getNumElements()) {
          error = "the .npy input has " + std::to_string(v.size()) + " values, the model's input " +
                  std::to_string(t.getNumElements()) + " (bind its shape with --shape)";
          return;
        }
        set.in.push_back(fromFloats(t, v));
      }
      if (i >= set.in.size()) {
        error = "the model has " + std::to_string(fn.getNumArguments()) + " inputs, the test data " +
                std::to_string(set.in.size());
        return;
      }
      inputs.push_back(toTensor(set.in[i]));
    }
    Interpreter interp(fn);
    if (!interp.run(inputs, outputs, error)) {
      error = "the reference interpreter: " + error;
      return;
    }
    for (unsigned i = 0; i < outputs.size(); ++i) {
      RankedTensorType t = typeIn(ctx, fn.getResultTypes()[i], error);
      if (!t)
        return;
      set.want.push_back(fromFloats(t, outputs[i].data));
    }
    ran = true;
  };
  CompileResult r = compileModel(co);
  if (!r.ok && error.empty())
    error = "compile (for the interpreter's reference): " + r.error;
  set.fromInterpreter = ran;
  return ran && r.ok;
}

} // namespace emlc
