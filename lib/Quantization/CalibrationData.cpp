//===- CalibrationData.cpp - calibration samples and their labels ---------===//
//
// What `--calibration` and `--calibration-labels` point at, read into model
// inputs (PTQ.h): a .npy with samples on axis 0, or a folder of .npy / .pb
// files, grouped into whole runs of the model input.
//
//===----------------------------------------------------------------------===//

#include "emlc/Quantization/PTQ.h"
#include "emlc/Support/TensorFiles.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include <algorithm>

using namespace mlir;

namespace emlc {
namespace {
int64_t numel(const std::vector<int64_t> &s) {
  int64_t n = 1;
  for (int64_t d : s)
    n *= d;
  return n;
}
} // namespace

bool loadCalibrationSet(const std::string &path, MLIRContext &ctx, const std::vector<int64_t> &shape,
                        std::vector<Tensor> &batches, std::string &error) {
  std::vector<std::string> files;
  if (llvm::sys::fs::is_directory(path)) {
    // ONNX's test data layout is read as it stands: a test_data_set_N folder's
    // input_*.pb are samples, its output_*.pb (the expected outputs) are not,
    // and a model's folder holding test_data_set_N folders gives all of them.
    auto addFiles = [&](const std::string &dir) {
      std::error_code ec;
      for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec; it.increment(ec)) {
        StringRef name = llvm::sys::path::filename(it->path()), ext = llvm::sys::path::extension(name);
        if ((ext == ".npy" || ext == ".pb") && !name.starts_with("output_"))
          files.push_back(it->path());
      }
    };
    addFiles(path);
    if (files.empty()) {
      std::error_code ec;
      for (llvm::sys::fs::directory_iterator it(path, ec), end; it != end && !ec; it.increment(ec))
        if (llvm::sys::path::filename(it->path()).starts_with("test_data_set_") &&
            llvm::sys::fs::is_directory(it->path()))
          addFiles(it->path());
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) {
      error = "calibration folder '" + path +
              "' has no .npy or .pb samples (nor test_data_set_N folders of input_N.pb; output_N.pb files are "
              "expected outputs, not samples)";
      return false;
    }
  } else if (llvm::sys::fs::exists(path)) {
    files.push_back(path);
  } else {
    error = "calibration data '" + path + "' not found";
    return false;
  }
  int64_t perRun = numel(shape);
  std::vector<float> stream;
  int64_t perSample = -1;
  for (const std::string &f : files) {
    std::vector<float> v;
    std::vector<int64_t> s;
    if (StringRef(f).ends_with(".npy")) {
      if (!readNpy(f, v, s, error))
        return false;
      // A single .npy holds samples along axis 0; a folder's files one each.
      if (files.size() == 1 && !s.empty() && s[0] > 0 && numel(s) != perRun)
        s = {s[0], numel(s) / s[0]};
    } else {
      DenseElementsAttr a;
      if (!readTensorFile(f, ctx, a, error))
        return false;
      if (!llvm::isa<FloatType>(a.getElementType())) {
        error = "'" + f + "' is not a float tensor";
        return false;
      }
      for (const APFloat &x : a.getValues<APFloat>())
        v.push_back((float)x.convertToDouble());
      s.assign(a.getType().getShape().begin(), a.getType().getShape().end());
    }
    int64_t one = files.size() == 1 && s.size() >= 2 ? numel(s) / s[0] : numel(s);
    if (perSample >= 0 && one != perSample) {
      error = "calibration files differ in size: '" + f + "' holds " + std::to_string(one) + " values per sample, '" +
              files.front() + "' " + std::to_string(perSample) + " (a folder's files are one sample each)";
      return false;
    }
    perSample = one;
    stream.insert(stream.end(), v.begin(), v.end());
  }
  if (perSample <= 0 || perRun % perSample != 0) {
    error = "calibration samples have " + std::to_string(perSample) + " values each, but the model input takes " +
            std::to_string(perRun) + " per run (its shape fixed with --shape must hold whole samples)";
    return false;
  }
  for (size_t at = 0; at + perRun <= stream.size(); at += perRun) {
    Tensor t;
    t.shape = shape;
    t.data.assign(stream.begin() + at, stream.begin() + at + perRun);
    batches.push_back(std::move(t));
  }
  if (batches.empty()) {
    error = "calibration data holds fewer values than one model input";
    return false;
  }
  return true;
}

bool loadLabels(const std::string &path, size_t samples, std::vector<int64_t> &labels, std::string &error) {
  std::vector<float> values;
  std::vector<int64_t> shape;
  if (!readNpy(path, values, shape, error))
    return false;
  if (values.size() != samples) {
    error = "calibration labels '" + path + "' hold " + std::to_string(values.size()) + " values for " +
            std::to_string(samples) + " calibration samples (one class per sample)";
    return false;
  }
  for (float v : values)
    labels.push_back((int64_t)v);
  return true;
}

} // namespace emlc
