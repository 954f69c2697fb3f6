//===- Diagnostics.h - diagnostics of a library call as CLI lines -*- C++ -*-===//
//
// Private to lib/Pipeline: shared by compileModel/inspectModel (Compiler.cpp)
// and pruneModel (Prune.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_LIB_PIPELINE_DIAGNOSTICS_H
#define EMLC_LIB_PIPELINE_DIAGNOSTICS_H

#include "emlc/Pipeline/Pipeline.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/raw_ostream.h"
#include <string>
#include <vector>

namespace emlc {

/// Collects the diagnostics of a compile (or prune) for the CLI: errors become
/// "error: node 'NAME': message" lines, warnings plain messages.
struct DiagnosticCollector {
  std::vector<std::string> errors; ///< "node 'NAME': message", or the message
  std::vector<std::string> warnings;
  mlir::ScopedDiagnosticHandler handler;

  explicit DiagnosticCollector(mlir::MLIRContext &ctx)
      : handler(&ctx, [this](mlir::Diagnostic &d) {
          collect(d);
          return mlir::success();
        }) {}

  void collect(mlir::Diagnostic &d) {
    if (d.getSeverity() == mlir::DiagnosticSeverity::Warning) {
      warnings.push_back(d.str());
      return;
    }
    if (d.getSeverity() != mlir::DiagnosticSeverity::Error)
      return;
    std::string where;
    if (auto n = llvm::dyn_cast<mlir::NameLoc>(d.getLocation()))
      where = "node '" + n.getName().str() + "'";
    std::string msg;
    llvm::raw_string_ostream os(msg);
    os << d;
    for (auto &note : d.getNotes()) { // MLIR's "see current operation" dump is noise for users
      std::string n;
      llvm::raw_string_ostream ns(n);
      ns << note;
      if (ns.str().find("see current operation") == std::string::npos)
        os << " (" << ns.str() << ")";
    }
    // Messages from the ONNX lowering start with "(OpType, opset N): ".
    std::string body = os.str();
    bool hasOp = !body.empty() && body[0] == '(';
    errors.push_back(where + (where.empty() ? "" : hasOp ? " " : ": ") + body);
  }

  /// The errors as "error: " lines, each message after `prefix`.
  std::string text(const std::string &prefix = "") const {
    std::string t;
    for (const std::string &e : errors)
      t += "error: " + prefix + e + "\n";
    return t;
  }
};

/// A context with every dialect emlc uses loaded.
inline void setupContext(mlir::MLIRContext &ctx) {
  mlir::DialectRegistry registry;
  registerEmlcDialects(registry);
  ctx.appendDialectRegistry(registry);
  ctx.loadAllAvailableDialects();
}

} // namespace emlc

#endif
