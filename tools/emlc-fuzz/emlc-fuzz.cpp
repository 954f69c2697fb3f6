//===- emlc-fuzz.cpp - libFuzzer target: bytes -> ONNX -> C, in memory -----===//
//
// Each input is an ONNX ModelProto. It goes through emlc::compileModel (the
// library behind `emlc compile`) from memory: parse, import, the compile
// pipeline, C emission and the report; nothing is written and external data
// is refused. Any crash, sanitizer report, leak, hang or allocation over
// libFuzzer's limits is a bug: bad models must be refused with an error.
//
// Per-input work is bounded here, not in emlc: models with more than
// kMaxNodes nodes or a tensor payload over kMaxPayload bytes are skipped, so
// large valid models do not slow the fuzzer (emlc's own limits are what the
// fuzzer tests, everything under these bounds reaches them).
//
// Metadata entries choose the compile's options, so the mutator can explore
// them too: "emlc.fuzz.target" (a target name), "emlc.fuzz.optimize"
// (speed|size), "emlc.fuzz.fuse" (0|1), "emlc.fuzz.emit" (onnx|nn|kernel|c).
//
//===----------------------------------------------------------------------===//

#include "Mutator.h"
#include "emlc/Pipeline/Compiler.h"
#include "mlir/IR/MLIRContext.h"
#include "targets/Target.h"
#include <cstdlib>
#include <cstring>
#include <memory>
#include <onnx/onnx_pb.h>
#include <optional>

namespace {

constexpr int kMaxNodes = 256;
constexpr size_t kMaxPayload = 1 << 20;

size_t payloadBytes(const ::onnx::TensorProto &t) {
  return t.raw_data().size() + 4 * (size_t)t.float_data_size() + 8 * (size_t)t.int64_data_size() +
         4 * (size_t)t.int32_data_size() + 8 * (size_t)t.double_data_size();
}

/// False for a model over the harness's bounds (skipped, not a finding).
bool withinBounds(const ::onnx::ModelProto &m) {
  const auto &g = m.graph();
  if (g.node_size() > kMaxNodes)
    return false;
  for (const auto &t : g.initializer())
    if (payloadBytes(t) > kMaxPayload)
      return false;
  for (const auto &n : g.node())
    for (const auto &a : n.attribute())
      if (a.has_t() && payloadBytes(a.t()) > kMaxPayload)
        return false;
  return true;
}

emlc::CompileOptions optionsOf(const ::onnx::ModelProto &m) {
  emlc::CompileOptions o;
  o.modelPath = "fuzz.onnx";
  for (const auto &p : m.metadata_props()) {
    if (p.key() == "emlc.fuzz.target" && emlc::lookupTarget(p.value()))
      o.target = p.value();
    else if (p.key() == "emlc.fuzz.optimize" && (p.value() == "speed" || p.value() == "size"))
      o.optimize = p.value();
    else if (p.key() == "emlc.fuzz.fuse")
      o.fuse = p.value() != "0";
    else if (p.key() == "emlc.fuzz.emit" &&
             (p.value() == "onnx" || p.value() == "nn" || p.value() == "kernel" || p.value() == "c"))
      o.emit = p.value();
  }
  return o;
}

/// Sets one of the options above to a random value (the mutator's 1-in-16 move).
void mutateOptions(::onnx::ModelProto &m, std::minstd_rand &rng) {
  static const char *const keys[] = {"emlc.fuzz.target", "emlc.fuzz.optimize", "emlc.fuzz.fuse", "emlc.fuzz.emit"};
  std::string key = keys[rng() % 4], value;
  if (key == keys[0]) {
    const auto &targets = emlc::allTargets();
    value = targets[rng() % targets.size()].name;
  } else if (key == keys[1]) {
    value = rng() & 1 ? "speed" : "size";
  } else if (key == keys[2]) {
    value = rng() & 1 ? "1" : "0";
  } else {
    static const char *const emits[] = {"onnx", "nn", "kernel", "c"};
    value = emits[rng() % 4];
  }
  for (auto &p : *m.mutable_metadata_props())
    if (p.key() == key) {
      p.set_value(value);
      return;
    }
  auto *p = m.add_metadata_props();
  p->set_key(key);
  p->set_value(value);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string bytes(reinterpret_cast<const char *>(data), size);
  ::onnx::ModelProto m;
  // What does not parse is still handed to emlc (its parse error path), but
  // only what parses is checked against the bounds.
  if (m.ParseFromString(bytes) && !withinBounds(m))
    return -1; // not added to the corpus
  emlc::CompileOptions o = optionsOf(m);
  o.modelBytes = std::move(bytes);
  // A fresh context per input by default, so that every finding reproduces
  // from its input alone. It is created and destroyed within this call: an
  // input then frees what it allocates, and libFuzzer's leak check (which
  // re-runs an input and scans the heap whenever it allocated more blocks than
  // it freed) only fires on real leaks. A context kept until the next input
  // made every input look leaky: the scans took ~85% of the time and libFuzzer
  // turned leak detection off after 1000 of them.
  // EMLC_FUZZ_CONTEXT_RUNS=N shares one among N inputs (about 2x the
  // executions: creating a context and loading every dialect costs more than
  // refusing most mutants), but a crash may then depend on earlier inputs (a
  // campaign so run left non-reproducible ASan reports).
  static const unsigned contextRuns = [] {
    const char *v = std::getenv("EMLC_FUZZ_CONTEXT_RUNS");
    return v && std::atoi(v) > 0 ? (unsigned)std::atoi(v) : 1u;
  }();
  std::optional<mlir::MLIRContext> fresh;
  static std::unique_ptr<mlir::MLIRContext> shared;
  static unsigned runs = 0;
  if (contextRuns == 1) {
    fresh.emplace(mlir::MLIRContext::Threading::DISABLED);
    o.context = &*fresh;
  } else {
    if (!shared || ++runs % contextRuns == 0)
      shared = std::make_unique<mlir::MLIRContext>(mlir::MLIRContext::Threading::DISABLED);
    o.context = shared.get();
  }
  emlc::CompileResult r = emlc::compileModel(o);
  // The contract under test: a refused model says why.
  if (!r.ok && r.error.empty())
    __builtin_trap();
  return 0;
}

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

/// Parses, applies one to four structured mutations and re-serializes; inputs
/// that do not parse (and one mutation in eight) get libFuzzer's byte-level ones.
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t maxSize, unsigned int seed) {
  std::minstd_rand rng(seed);
  ::onnx::ModelProto m;
  if (rng() % 8 == 0 || !m.ParseFromArray(data, (int)size))
    return LLVMFuzzerMutate(data, size, maxSize);
  for (unsigned k = 1 + rng() % 4; k; --k) {
    if (rng() % 16 == 0)
      mutateOptions(m, rng);
    else
      emlc::fuzz::mutateModel(m, rng);
  }
  std::string out;
  if (!m.SerializeToString(&out) || out.size() > maxSize)
    return LLVMFuzzerMutate(data, size, maxSize);
  std::memcpy(data, out.data(), out.size());
  return out.size();
}

extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2, size_t size2,
                                            uint8_t *out, size_t maxOutSize, unsigned int seed) {
  std::minstd_rand rng(seed);
  ::onnx::ModelProto a, b;
  if (!a.ParseFromArray(data1, (int)size1) || !b.ParseFromArray(data2, (int)size2))
    return 0;
  emlc::fuzz::crossOver(a, b, rng);
  std::string s;
  if (!a.SerializeToString(&s) || s.size() > maxOutSize)
    return 0;
  std::memcpy(out, s.data(), s.size());
  return s.size();
}
