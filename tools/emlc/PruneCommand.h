//===- PruneCommand.h - `emlc prune` and the pruning flags ------*- C++ -*-===//
#ifndef EMLC_TOOLS_EMLC_PRUNECOMMAND_H
#define EMLC_TOOLS_EMLC_PRUNECOMMAND_H

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace emlc {
struct CompileOptions;
}

/// The pruning flags, shared by `compile`, `verify` and `prune`.
struct PruneFlags {
  std::string prune, importance, schedule, correction = "auto";
  int64_t multiple = 0;     ///< 0: the target's
  double latencyLimit = -1; ///< --latency-limit (compile and verify: with --prune=auto and --device)
};
void addPruneFlags(CLI::App *cmd, PruneFlags &flags);
/// --latency-limit, the latency goal of --prune=auto (not on `prune`, which knows no device).
void addLatencyLimit(CLI::App *cmd, PruneFlags &flags);
/// The flags as a compile's pruning options.
void applyPruneFlags(const PruneFlags &flags, emlc::CompileOptions &options);

/// The `prune` command line, as parsed.
struct PruneArgs {
  std::string model, out, target = "generic", calibration;
  std::vector<std::string> shapes, values;
  PruneFlags pruning;
};

/// Declares the `prune` subcommand and its options on `app`.
CLI::App *addPruneCommand(CLI::App &app, PruneArgs &args);
/// Runs it; returns the process exit code (0 ok, 1 model error, 2 usage).
int runPrune(const PruneArgs &args);

#endif
