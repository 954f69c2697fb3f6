//===- Options.cpp - option values shared by emlc's subcommands -----------------===//

#include "Options.h"
#include "emlc/Support/CLIParsing.h"
#include "emlc/Support/ResourceLimits.h"
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <fmt/core.h>
#include <sstream>
#include <unistd.h>

namespace emlc::cli {

bool parseShapes(const std::vector<std::string> &specs, std::map<std::string, std::vector<int64_t>> &out) {
  for (const auto &s : specs) {
    auto eq = s.rfind('=');
    std::vector<int64_t> dims;
    if (eq == std::string::npos || eq == 0 || !emlc::parseShape(s.substr(eq + 1), dims)) {
      fmt::print(stderr, "emlc: error: --shape '{}' is not NAME=DIMS (for example --shape input=1x3x32x32)\n", s);
      return false;
    }
    out[s.substr(0, eq)] = dims;
  }
  return true;
}

bool parseInputValues(const std::vector<std::string> &specs, std::map<std::string, std::string> &out) {
  for (const auto &v : specs) {
    auto eq = v.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == v.size()) {
      fmt::print(stderr,
                 "emlc: error: --input-value '{}' is not NAME=FILE.pb (for example --input-value shape=shape.pb)\n", v);
      return false;
    }
    out[v.substr(0, eq)] = v.substr(eq + 1);
  }
  return true;
}

void addLimitFlags(CLI::App *cmd, LimitFlags &f, bool emitsC) {
  emlc::ResourceLimits d;
  auto mib = [](int64_t bytes) { return std::to_string(bytes >> 20) + "M"; };
  cmd->add_option("--max-model-size", f.modelSize,
                  "refuse a model file larger than this (bytes, K or M; default " + mib(d.modelBytes) +
                      "), e.g. --max-model-size 1024M");
  cmd->add_option("--max-nodes", f.nodes,
                  "refuse a model with more graph nodes than this (default " + std::to_string(d.nodes) +
                      "), e.g. --max-nodes 1000000");
  cmd->add_option("--max-initializer-size", f.initializerSize,
                  "refuse a model whose initializers and constants (external data included) declare more bytes\n"
                  "  than this (bytes, K or M; default " +
                      mib(d.initializerBytes) + "), e.g. --max-initializer-size 1024M");
  if (emitsC)
    cmd->add_option("--max-c-size", f.cSize,
                    "stop when the emitted C (all files) grows beyond this (bytes, K or M; default " + mib(d.cBytes) +
                        "), e.g. --max-c-size 4096M");
}

bool applyLimitFlags(const LimitFlags &f, emlc::ResourceLimits &limits) {
  for (auto [text, dest, flag] : {std::tuple{&f.modelSize, &limits.modelBytes, "--max-model-size"},
                                  std::tuple{&f.nodes, &limits.nodes, "--max-nodes"},
                                  std::tuple{&f.initializerSize, &limits.initializerBytes, "--max-initializer-size"},
                                  std::tuple{&f.cSize, &limits.cBytes, "--max-c-size"}}) {
    bool isCount = dest == &limits.nodes;
    if (!text->empty() &&
        (!emlc::parseBytes(*text, *dest) || (isCount && !std::isdigit((unsigned char)text->back())))) {
      fmt::print(stderr, "emlc: error: {} '{}' is not {} (for example {})\n", flag, *text,
                 isCount ? "a count" : "a byte count", isCount ? "1000000" : "512M");
      return false;
    }
  }
  return true;
}

std::function<void(const std::string &, int64_t, int64_t)> progressPrinter() {
  return [tty = isatty(fileno(stderr)) != 0](const std::string &what, int64_t done, int64_t total) {
    if (done == total || (tty && done % std::max<int64_t>(1, total / 10) == 0))
      fmt::print(stderr, "emlc: {}: {}/{}{}", what, done, total, done == total ? "\n" : "\r");
  };
}

void printWarnings(const std::vector<std::string> &ws) {
  for (const auto &w : ws)
    fmt::print(stderr, "emlc: warning: {}\n", w);
}

void printErrors(const std::string &text) {
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line))
    if (!line.empty())
      fmt::print(stderr, "emlc: {}\n", line);
}

} // namespace emlc::cli
