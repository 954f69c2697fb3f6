// runToolMain: whatever escapes a tool's body ends as one error line and exit code 1, never an abort.
// Each case runs in a forked child (the handler exits the process) and checks its exit status and stderr.
#include "emlc/Support/ToolMain.h"
#include "llvm/Support/ErrorHandling.h"
#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>
#include <new>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace {
struct Outcome {
  bool exited = false;
  int code = -1;
  std::string stderrText;
};

Outcome runInChild(const std::function<int()> &body) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], 2);
    _exit(emlc::runToolMain("emlc", body));
  }
  close(fds[1]);
  Outcome o;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;)
    o.stderrText.append(buf, n);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  o.exited = WIFEXITED(status);
  o.code = o.exited ? WEXITSTATUS(status) : -WTERMSIG(status);
  return o;
}

void checkInternalError(const Outcome &o, const std::string &what) {
  CHECK(o.exited);
  CHECK(o.code == 1);
  CHECK(o.stderrText.rfind("emlc: error: internal error: " + what, 0) == 0);
  CHECK(o.stderrText.find("please report it") != std::string::npos);
  CHECK(std::count(o.stderrText.begin(), o.stderrText.end(), '\n') == 1);
}
} // namespace

TEST_CASE("runToolMain returns the body's exit code") {
  Outcome o = runInChild([] { return 3; });
  CHECK(o.exited);
  CHECK(o.code == 3);
  CHECK(o.stderrText.empty());
}

TEST_CASE("an escaped std::length_error is one internal-error line and exit 1") {
  checkInternalError(runInChild([]() -> int { throw std::length_error("vector::_M_default_append"); }),
                     "vector::_M_default_append");
}

TEST_CASE("std::bad_alloc says the model asks for more memory than the machine has") {
  checkInternalError(runInChild([]() -> int { throw std::bad_alloc(); }), "out of memory (std::bad_alloc)");
}

TEST_CASE("a non-std exception is still caught") {
  checkInternalError(runInChild([]() -> int { throw 42; }), "unknown exception");
}

TEST_CASE("LLVM's fatal errors and allocation failures exit 1 instead of aborting") {
  checkInternalError(runInChild([]() -> int { llvm::report_fatal_error("broken invariant"); }), "broken invariant");
  checkInternalError(runInChild([]() -> int { llvm::report_bad_alloc_error("Allocation failed"); }),
                     "Allocation failed");
}

TEST_CASE("an exception escaping a worker thread exits 1 through std::terminate") {
  checkInternalError(runInChild([] {
                       std::thread t([] { throw std::out_of_range("map::at"); });
                       t.join();
                       return 0;
                     }),
                     "map::at");
}
