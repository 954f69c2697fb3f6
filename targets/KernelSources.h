//===- KernelSources.h - the C kernels emlc ships, and their ABI -*- C++ -*-===//
//
// Kernel sources live in targets/<folder>/kernels/*.c as `// @kernel NAME`
// sections (up to the next marker) with `// @requires OTHER` lines naming the
// helper sections they use; helpers are named `*_impl`. They are embedded into
// emlc at build time (cmake/EmbedKernels.cmake).
//
// A kernel's ABI is its C prototype, `static void emlc_NAME(...)`, written in
// its section or produced by a macro from a required section
// (`EMLC_BINARY(add_i8, int8_t, ...)`): kernelSignature() parses it, the
// kernel.call verifier checks every call against it, and the C printer
// prints the call from it.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_TARGETS_KERNELSOURCES_H
#define EMLC_TARGETS_KERNELSOURCES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <map>
#include <string>
#include <vector>

namespace emlc {

/// One `// @kernel NAME` section.
struct KernelSection {
  std::string folder; ///< "generic", "arm-dsp", ...
  std::string file;   ///< relative to targets/
  std::string text;   ///< the lines after the markers
  std::vector<std::string> requires_;
};

/// The sections of the kernel folders `dirs`, the first folder defining a
/// name winning (a target's folders, most specific first); `prelude` gets the
/// first folder's prelude.h. The sections live as long as the program (they
/// are read once from the embedded files): the map only points at them.
std::map<std::string, const KernelSection *> kernelSections(llvm::ArrayRef<std::string> dirs, std::string &prelude);

/// One C parameter: `const int8_t *x` is {"int8_t", pointer, const, "x"}.
struct KernelParam {
  std::string type;
  bool pointer = false;
  bool isConst = false;
  std::string name;
};

struct KernelSignature {
  std::string folder; ///< where the kernel is defined
  std::vector<KernelParam> params;
};

/// The signature of kernel `name` as defined by the first of `dirs` that has
/// it (every folder when `dirs` is empty), or null when no folder defines a
/// kernel of that name.
const KernelSignature *kernelSignature(llvm::StringRef name, llvm::ArrayRef<std::string> dirs = {});

/// Kernel sections (not `*_impl` helpers) whose prototype cannot be parsed,
/// as "folder/NAME: why"; empty when every kernel has an ABI.
std::vector<std::string> kernelABIProblems();

/// Every kernel folder's name (targets/<folder>/kernels), sorted.
std::vector<std::string> kernelFolders();

} // namespace emlc

#endif
