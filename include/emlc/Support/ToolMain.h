//===- ToolMain.h - a tool's main that never aborts on an internal error -*- C++ -*-===//
//
// emlc's tools read models from anywhere: whatever goes wrong inside must end as a
// message and a non-zero exit, not an abort with a core dump.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_SUPPORT_TOOLMAIN_H
#define EMLC_SUPPORT_TOOLMAIN_H

#include "llvm/ADT/STLFunctionalExtras.h"

namespace emlc {

/// Runs a tool's body. A C++ exception that escapes it (std::bad_alloc, std::length_error, ...), an
/// allocation failure inside LLVM, an LLVM fatal error or std::terminate print one line
/// `TOOL: error: internal error: WHAT` with a bug-report hint and exit 1.
int runToolMain(const char *tool, llvm::function_ref<int()> body);

/// The line runToolMain prints (for tests and for callers that catch themselves).
void printInternalError(const char *what);

} // namespace emlc

#endif
