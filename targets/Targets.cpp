//===- Targets.cpp - the targets, read from targets/<name>/target.json ------===//
//
// The description files are embedded with the kernel sources
// (cmake/EmbedKernels.cmake) and parsed once. A malformed file is a build
// defect: a unit test parses every one.
//
//===----------------------------------------------------------------------===//

#include "targets/EmbeddedKernels.h"
#include "targets/Target.h"
#include "llvm/Support/JSON.h"
#include <algorithm>

namespace emlc {
namespace {

std::vector<std::string> strings(const llvm::json::Object *o, llvm::StringRef key) {
  std::vector<std::string> out;
  if (const llvm::json::Array *a = o ? o->getArray(key) : nullptr)
    for (const llvm::json::Value &v : *a)
      if (auto s = v.getAsString())
        out.push_back(s->str());
  return out;
}
std::string string(const llvm::json::Object *o, llvm::StringRef key) {
  auto s = o ? o->getString(key) : std::nullopt;
  return s ? s->str() : "";
}

bool parseTarget(llvm::StringRef text, TargetInfo &t) {
  llvm::Expected<llvm::json::Value> v = llvm::json::parse(text);
  if (!v) {
    llvm::consumeError(v.takeError());
    return false;
  }
  const llvm::json::Object *o = v->getAsObject();
  if (!o)
    return false;
  t.name = string(o, "name");
  t.description = string(o, "description");
  t.kernelDirs = strings(o, "kernels");
  if (const llvm::json::Object *v = o->getObject("variants"))
    for (const auto &kv : *v)
      t.variants[kv.first.str()] = strings(v, kv.first);
  for (auto [key, costs] :
       {std::pair{"cost_per_mac", &t.costPerMac}, std::pair{"cost_per_element", &t.costPerElement},
        std::pair{"cost_per_output", &t.costPerOutput}, std::pair{"cost_per_patch", &t.costPerPatch}})
    if (const llvm::json::Object *c = o->getObject(key))
      for (const auto &kv : *c)
        if (auto d = kv.second.getAsNumber())
          (*costs)[kv.first.str()] = *d;
  if (auto n = o->getNumber("cost_per_call")) // a number: every kernel's
    t.costPerCall["default"] = *n;
  else if (const llvm::json::Object *c = o->getObject("cost_per_call"))
    for (const auto &kv : *c)
      if (auto d = kv.second.getAsNumber())
        t.costPerCall[kv.first.str()] = *d;
  t.codeIsa = o->getString("code_isa") ? string(o, "code_isa") : "thumbv7em";
  t.alignment = o->getInteger("alignment").value_or(16);
  if (const llvm::json::Object *cpi = o->getObject("cycles_per_instruction")) {
    t.cyclesPerInstruction = cpi->getNumber("value").value_or(0);
    t.cpiSource = string(cpi, "source");
  }
  if (const llvm::json::Object *isa = o->getObject("isa"))
    for (const auto &kv : *isa) {
      std::string value;
      if (auto s = kv.second.getAsString())
        value = s->str();
      else if (auto b = kv.second.getAsBoolean())
        value = *b ? "true" : "false";
      else if (auto i = kv.second.getAsInteger())
        value = std::to_string(*i);
      t.isa[kv.first.str()] = value;
    }
  const llvm::json::Object *tc = o->getObject("toolchain");
  t.cc = string(tc, "cc");
  t.sizeTool = string(tc, "size");
  t.packages = strings(tc, "packages");
  t.cflags = strings(tc, "cflags");
  t.ldflags = strings(tc, "ldflags");
  const llvm::json::Object *emu = o->getObject("emulator");
  t.emulator = string(emu, "binary");
  t.emulatorPackage = string(emu, "package");
  t.emulatorArgs = strings(emu, "args");
  const llvm::json::Object *counter = o->getObject("instruction_counter");
  t.counter = string(counter, "binary");
  t.counterPackage = string(counter, "package");
  t.counterArgs = strings(counter, "args");
  return !t.name.empty() && !t.kernelDirs.empty() && !t.cc.empty();
}
} // namespace

const std::vector<TargetInfo> &allTargets() {
  static const std::vector<TargetInfo> targets = [] {
    std::vector<TargetInfo> out;
    for (unsigned i = 0; i < kNumEmbeddedKernels; ++i) {
      llvm::StringRef path = kEmbeddedKernels[i].path;
      TargetInfo t;
      if (path.ends_with("/target.json") && parseTarget(kEmbeddedKernels[i].text, t))
        out.push_back(std::move(t));
    }
    std::sort(out.begin(), out.end(), [](const TargetInfo &a, const TargetInfo &b) {
      return (a.name != "generic") < (b.name != "generic") ||
             ((a.name != "generic") == (b.name != "generic") && a.name < b.name);
    });
    return out;
  }();
  return targets;
}

long kernelCodeBytes(const std::string &kernel, const std::string &isa) {
  struct Entry {
    const char *name, *isa;
    long bytes;
  };
  static const Entry table[] = {
#include "targets/generic/kernel_sizes.inc"
  };
  for (const Entry &e : table)
    if (kernel == e.name && isa == e.isa)
      return e.bytes;
  return -1;
}

const TargetInfo *lookupTarget(const std::string &name) {
  for (const auto &t : allTargets())
    if (t.name == name)
      return &t;
  return nullptr;
}

} // namespace emlc
