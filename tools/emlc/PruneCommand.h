//===- PruneCommand.h - `emlc prune` ----------------------------*- C++ -*-===//
#ifndef EMLC_TOOLS_EMLC_PRUNECOMMAND_H
#define EMLC_TOOLS_EMLC_PRUNECOMMAND_H

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

/// The `prune` command line, as parsed.
struct PruneArgs {
  std::string model, out;
  std::vector<std::string> shapes, values;
};

/// Declares the `prune` subcommand and its options on `app`.
CLI::App *addPruneCommand(CLI::App &app, PruneArgs &args);
/// Runs it; returns the process exit code (0 ok, 1 model error, 2 usage).
int runPrune(const PruneArgs &args);

#endif
