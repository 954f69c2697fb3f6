//===- CEmitter.h - kernel dialect -> C99 files ------------------*- C++ -*-===//
#ifndef EMLC_EMIT_CEMITTER_H
#define EMLC_EMIT_CEMITTER_H

#include "mlir/IR/BuiltinOps.h"
#include <map>
#include <string>

namespace emlc {

struct EmitOptions {
  std::string name = "model"; ///< C identifier prefix of everything emitted
  std::string sourceName;     ///< shown in the header comment
  /// Refuse to print more C than this (bytes, all files; -1: no limit): weights become text several times
  /// their size, and a model must not be able to fill the disk or the memory.
  int64_t maxBytes = -1;
};

/// The emitted files: file name -> contents.
using EmittedFiles = std::map<std::string, std::string>;

/// Prints a planned kernel-level module as C99: NAME.h, NAME.c (run function
/// and the kernels it uses) and NAME_weights.c. Mechanical: names, order and
/// placement were decided by the passes. Returns false with `error` set when a
/// kernel has no source for the module's target or the C exceeds `maxBytes`.
bool emitC(mlir::ModuleOp module, const EmitOptions &options, EmittedFiles &files, std::string &error);

} // namespace emlc

#endif
