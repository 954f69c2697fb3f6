//===- Target.h - what emlc knows about a target ----------------*- C++ -*-===//
#ifndef EMLC_TARGETS_TARGET_H
#define EMLC_TARGETS_TARGET_H

#include <string>
#include <vector>

namespace emlc {

/// A compilation target: which kernel folders to search (most specific
/// first; `generic` always last) and how to build for it.
struct TargetInfo {
  std::string name;
  std::string description;
  std::vector<std::string> kernelDirs;
  std::string hostCFlags; ///< flags for building the emitted C natively, if the host runs it
  /// The instruction set whose measured kernel sizes estimate the code size
  /// (targets/generic/kernel_sizes.inc): "thumbv7em" or "rv32".
  std::string codeIsa = "thumbv7em";
};

/// The target called `name`, or nullptr.
const TargetInfo *lookupTarget(const std::string &name);
/// All targets, for --help and `emlc targets`.
const std::vector<TargetInfo> &allTargets();
/// Machine-code bytes of a portable kernel with its helpers on `isa` (clang
/// -Os, measured by scripts/gen_kernel_sizes.py), or -1 if not measured.
long kernelCodeBytes(const std::string &kernel, const std::string &isa);

} // namespace emlc

#endif
