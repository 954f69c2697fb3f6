//===- Options.h - option values shared by emlc's subcommands ---*- C++ -*-===//
#ifndef EMLC_TOOLS_EMLC_OPTIONS_H
#define EMLC_TOOLS_EMLC_OPTIONS_H

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace CLI {
class App;
}
namespace emlc {
struct ResourceLimits;
}

namespace emlc::cli {

/// --max-model-size, --max-nodes, --max-initializer-size, --max-c-size as typed (empty: the default).
struct LimitFlags {
  std::string modelSize, nodes, initializerSize, cSize;
};
/// Declares them on `cmd` (--max-c-size only where C is written).
void addLimitFlags(CLI::App *cmd, LimitFlags &flags, bool emitsC);
/// The flags over the defaults in `limits`; prints the error and returns false on a malformed value.
bool applyLimitFlags(const LimitFlags &flags, emlc::ResourceLimits &limits);

/// Parses repeated --shape NAME=1x3x32x32 options; prints the error and
/// returns false on a malformed one.
bool parseShapes(const std::vector<std::string> &specs, std::map<std::string, std::vector<int64_t>> &out);
/// Parses repeated --input-value NAME=FILE.pb options, likewise.
bool parseInputValues(const std::vector<std::string> &specs, std::map<std::string, std::string> &out);

/// Progress of long steps on stderr: on a terminal one line counts up (\r);
/// in a log (CI) only each step's last count is printed.
std::function<void(const std::string &, int64_t, int64_t)> progressPrinter();

void printWarnings(const std::vector<std::string> &warnings);
/// Prints "error: ..." lines as "emlc: error: ...".
void printErrors(const std::string &text);

} // namespace emlc::cli

#endif
