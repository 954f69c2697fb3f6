//===- ResourceLimits.h - how large a model emlc agrees to compile -*- C++ -*-===//
//
// A model file is untrusted input: its size, its node count and the bytes its
// initializers declare are checked before anything is read or built, and the
// emitted C is capped, so no model can make a compile take the machine's memory
// or disk. The defaults are far above any microcontroller model (the largest
// shared model is 1 MB with a few hundred nodes); each has a flag to raise it.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_SUPPORT_RESOURCELIMITS_H
#define EMLC_SUPPORT_RESOURCELIMITS_H

#include <cstdint>
#include <string>

namespace emlc {

struct ResourceLimits {
  int64_t modelBytes = int64_t(256) << 20;       ///< the .onnx file (--max-model-size)
  int64_t nodes = 200000;                        ///< graph nodes (--max-nodes)
  int64_t initializerBytes = int64_t(256) << 20; ///< initializers and Constant values (--max-initializer-size)
  int64_t cBytes = int64_t(1) << 30;             ///< the emitted C, all files (--max-c-size)
  int64_t tensorElements = int64_t(1) << 28;     ///< any one tensor (--max-tensor-elements; ImportOptions)
};

/// Checks `path` against `limits` before it is imported: a regular file (not a FIFO, device or directory)
/// of at most modelBytes, then (one protobuf parse) its node count and the bytes its initializers and
/// Constant nodes declare (dims x element size, external data included, none of it read). False with
/// one error line naming the limit, the model's value and the flag that raises it.
bool checkModelLimits(const std::string &path, const ResourceLimits &limits, std::string &err);

} // namespace emlc

#endif
