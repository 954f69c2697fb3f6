//===- Mutator.h - structure-aware mutations of an ONNX model ----*- C++ -*-===//
//
// Byte flips rarely keep a protobuf parseable; these mutate the parsed
// ModelProto's fields (dims, attributes, names, op types, opset, nodes,
// initializers) and re-serialize, so most mutants reach the importer's checks
// and the passes behind them.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_TOOLS_FUZZ_MUTATOR_H
#define EMLC_TOOLS_FUZZ_MUTATOR_H

#include <cstdint>
#include <onnx/onnx_pb.h>
#include <random>

namespace emlc::fuzz {

/// Applies one random mutation to `m` (`rng` decides which and where).
void mutateModel(::onnx::ModelProto &m, std::minstd_rand &rng);

/// Splices nodes, initializers and value infos of `other` into `m`.
void crossOver(::onnx::ModelProto &m, const ::onnx::ModelProto &other, std::minstd_rand &rng);

} // namespace emlc::fuzz

#endif
