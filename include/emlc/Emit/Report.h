//===- Report.h - the machine-readable compile report -----------*- C++ -*-===//
#ifndef EMLC_EMIT_REPORT_H
#define EMLC_EMIT_REPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/JSON.h"
#include <string>
#include <vector>

namespace emlc {

struct ReportInputs {
  std::string model, name;
  double compileSeconds = 0;
  /// The device compiled for (`--device`): its name, clock and budgets. With
  /// a clock and the target's cycles per instruction the report gives
  /// milliseconds per layer and in total.
  std::string device;
  double clockMHz = 0;
  int64_t ramBudget = -1, flashBudget = -1;
};

/// Arena lower bound independent of the schedule (docs/REPORT.md): for each
/// kernel call, the arena bytes that must be live while it runs in every valid
/// order, maximized over calls.
int64_t arenaLowerBound(mlir::ModuleOp module);

/// The lower bound's input without IR: per call the buffers it reads and writes and whether it is elementwise
/// (it may write over an input whose only consumer it is), per buffer its bytes. Calls are in program order.
struct LowerBoundGraph {
  std::vector<std::vector<size_t>> reads, writes;
  std::vector<bool> elementwise;
  std::vector<int64_t> bytes;
};
/// The largest, over calls x, of the bytes x touches plus the buffers produced by an ancestor of x and read by
/// a descendant of x (live across x in every order). Ancestry is computed for blocks of calls, in tables of
/// calls x block bits of at most `reachBits` each: O((calls + edges + buffers) * calls / 64) time in the worst
/// case, nothing for blocks no buffer spans (a chain), never an n x n matrix.
int64_t arenaLowerBound(const LowerBoundGraph &g, size_t reachBits = size_t(1) << 28);
/// The same bytes for each call (the bound is their maximum).
std::vector<int64_t> arenaLivePerCall(const LowerBoundGraph &g, size_t reachBits = size_t(1) << 28);

/// The report of a planned kernel-level module (schema: docs/report.schema.json).
llvm::json::Value buildReport(mlir::ModuleOp module, const ReportInputs &in);

/// An SVG picture of the arena over time: one box per arena buffer at its
/// offset (y) over its lifetime in calls (x), so the layer that sets the peak
/// is visible at a glance. Built from a report made by buildReport.
std::string renderArenaSVG(const llvm::json::Value &report);

} // namespace emlc

#endif
