//===- ResourceLimits.cpp - how large a model emlc agrees to compile ----------===//

#include "emlc/Support/ResourceLimits.h"
#include "emlc/Support/TensorFiles.h"
#include "llvm/Support/MemoryBuffer.h"
#include <climits>
#include <onnx/onnx_pb.h>
#include <sys/stat.h>

namespace emlc {
namespace {
/// "WHAT N UNIT, over the limit of L UNIT; raise it with FLAG ...": the limit, the value and the way out.
std::string overLimit(const std::string &what, int64_t have, int64_t limit, const std::string &unit,
                      const std::string &flag) {
  return what + " " + std::to_string(have) + unit + ", over the limit of " + std::to_string(limit) + unit +
         "; if the model is meant to be this large, raise it with " + flag;
}

/// Bytes tensor `t` declares (its dims times its element size), saturating at INT64_MAX.
int64_t declaredBytes(const ::onnx::TensorProto &t) {
  int64_t bytes;
  switch (t.data_type()) {
  case ::onnx::TensorProto::DOUBLE:
  case ::onnx::TensorProto::INT64:
  case ::onnx::TensorProto::UINT64:
  case ::onnx::TensorProto::COMPLEX64:
    bytes = 8;
    break;
  case ::onnx::TensorProto::FLOAT:
  case ::onnx::TensorProto::INT32:
  case ::onnx::TensorProto::UINT32:
    bytes = 4;
    break;
  case ::onnx::TensorProto::FLOAT16:
  case ::onnx::TensorProto::BFLOAT16:
  case ::onnx::TensorProto::INT16:
  case ::onnx::TensorProto::UINT16:
    bytes = 2;
    break;
  case ::onnx::TensorProto::COMPLEX128:
    bytes = 16;
    break;
  default:
    bytes = 1;
  }
  for (int64_t d : t.dims())
    if (d > 0 && __builtin_mul_overflow(bytes, d, &bytes))
      return INT64_MAX;
  return bytes;
}
} // namespace

bool checkModelLimits(const std::string &path, const ResourceLimits &limits, std::string &err) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return true; // missing or unreadable: the importer says so
  std::string why;
  auto buf = readRegularFile(path, why);
  if (!buf) {
    err = "cannot open '" + path + "': " + why;
    return false;
  }
  int64_t size = (int64_t)buf->getBufferSize();
  if (size > limits.modelBytes) {
    err = overLimit("the model file is", size, limits.modelBytes, " bytes", "--max-model-size");
    return false;
  }
  ::onnx::ModelProto model;
  if (size > INT_MAX || !model.ParseFromArray(buf->getBufferStart(), (int)size))
    return true; // the importer says what is wrong with it
  const auto &g = model.graph();
  if (g.node_size() > limits.nodes) {
    err = overLimit("the model has", g.node_size(), limits.nodes, " nodes", "--max-nodes");
    return false;
  }
  int64_t total = 0;
  auto add = [&](const ::onnx::TensorProto &t) {
    if (__builtin_add_overflow(total, declaredBytes(t), &total))
      total = INT64_MAX;
  };
  for (const auto &t : g.initializer())
    add(t);
  for (const auto &n : g.node())
    for (const auto &a : n.attribute())
      if (a.has_t())
        add(a.t());
  if (total > limits.initializerBytes) {
    err = overLimit("the model's initializers and constants declare", total, limits.initializerBytes, " bytes",
                    "--max-initializer-size");
    return false;
  }
  return true;
}

} // namespace emlc
