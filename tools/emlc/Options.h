//===- Options.h - option values shared by emlc's subcommands ---*- C++ -*-===//
#ifndef EMLC_TOOLS_EMLC_OPTIONS_H
#define EMLC_TOOLS_EMLC_OPTIONS_H

#include <CLI/CLI.hpp>
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
  std::string modelSize, nodes, initializerSize, cSize, tensorElements;
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
/// Prints one "emlc: error: MESSAGE" (several lines if MESSAGE has them).
void printError(const std::string &message);
/// Writes `text` to `path` (bytes as they are); false after printing "cannot write PATH".
bool writeText(const std::string &path, const std::string &text);

/// --color: auto (default: colour when stderr is a terminal and NO_COLOR is unset), always, never.
void setColor(const std::string &mode);

/// The candidate nearest to `word` in edits (within about a third of its length), or "" when none is close:
/// the "did you mean" of unknown commands, options and target names.
std::string nearestName(const std::string &word, const std::vector<std::string> &candidates);

/// Why `path` cannot be a model file ("" when it is a readable regular file): missing, a folder (naming
/// the .onnx inside it when there is one), not readable.
std::string modelFileProblem(const std::string &path);

/// Checks for --target and --device values: an unknown name is a usage error (exit 2) with a did-you-mean.
CLI::Validator targetName();
CLI::Validator deviceName();

/// Prints a command-line error as "emlc: error: ..." with what to do next: the nearest command for an unknown
/// command, the nearest option of the subcommand for an unknown option, the subcommand's --help otherwise.
/// Returns the usage exit code (2).
int reportParseError(CLI::App &app, const CLI::ParseError &e, int argc, char **argv);

/// `emlc completion bash`: a bash completion script for every command and option of `app`, with target and
/// device names after --target/--device.
std::string bashCompletion(CLI::App &app);

} // namespace emlc::cli

#endif
