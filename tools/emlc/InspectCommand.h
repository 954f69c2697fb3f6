//===- InspectCommand.h - `emlc inspect MODEL [--target T|--device D] [--json]` -*- C++ -*-===//
#ifndef EMLC_TOOLS_EMLC_INSPECTCOMMAND_H
#define EMLC_TOOLS_EMLC_INSPECTCOMMAND_H

#include "Options.h"
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

/// The `inspect` command line, as parsed.
struct InspectArgs {
  std::string model, target, device;
  std::vector<std::string> shapes;
  bool json = false;
  emlc::cli::LimitFlags limits;
};

/// Declares the `inspect` subcommand and its options on `app`.
CLI::App *addInspectCommand(CLI::App &app, InspectArgs &args);
/// Runs it; returns the process exit code (0 ok; 1 model error, unsupported ops, or not fitting the device;
/// 2 usage).
int runInspect(const InspectArgs &args);

#endif
