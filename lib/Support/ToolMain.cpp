//===- ToolMain.cpp - a tool's main that never aborts on an internal error ------===//

#include "emlc/Support/ToolMain.h"
#include "llvm/Support/ErrorHandling.h"
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <new>
#include <unistd.h>

namespace emlc {
namespace {
const char *toolName = "emlc";

/// Async-signal-safe enough for the allocation-failure path: no allocation, one write per piece.
void writeAll(const char *s) {
  size_t n = 0;
  while (s[n])
    ++n;
  while (n > 0) {
    ssize_t w = ::write(2, s, n);
    if (w <= 0)
      return;
    s += w;
    n -= (size_t)w;
  }
}

[[noreturn]] void fail(const char *what) {
  printInternalError(what);
  std::_Exit(1); // no destructors: the state is unknown, and they may allocate
}

void onTerminate() {
  // An exception escaping a worker thread (MLIR's parallel passes) or a noexcept function ends here.
  if (std::exception_ptr e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception &x) {
      fail(x.what());
    } catch (...) {
    }
  }
  fail("std::terminate");
}
} // namespace

void printInternalError(const char *what) {
  std::fflush(stdout);
  writeAll(toolName);
  writeAll(": error: internal error: ");
  writeAll(what && *what ? what : "unknown exception");
  writeAll(
      " (emlc should have refused this with a clear error: please report it with the model and the command line)\n");
}

int runToolMain(const char *tool, llvm::function_ref<int()> body) {
  toolName = tool;
  llvm::install_bad_alloc_error_handler(
      [](void *, const char *reason, bool) { fail(reason && *reason ? reason : "out of memory"); });
  llvm::install_fatal_error_handler([](void *, const char *reason, bool) { fail(reason); });
  std::set_terminate(onTerminate);
  try {
    return body();
  } catch (const std::bad_alloc &) {
    fail("out of memory (std::bad_alloc): the model asks for more memory than this machine has, or a size emlc failed "
         "to check");
  } catch (const std::exception &e) {
    fail(e.what());
  } catch (...) {
    fail("unknown exception");
  }
}

} // namespace emlc
