//===- ArenaLiveness.h - which arena buffers each kernel call uses -*- C++ -*-===//
//
// One walk of a kernel-level function: its calls in order, its arena buffers
// (views resolved to the kernel.alloc they alias), the buffers each call reads
// and writes, and each buffer's lifetime in call indices. Shared by the
// memory planner and the compile report so both see the same lifetimes.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_TRANSFORMS_ARENALIVENESS_H
#define EMLC_TRANSFORMS_ARENALIVENESS_H

#include "dialects/Kernel/KernelDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include <vector>

namespace emlc {

struct ArenaLiveness {
  std::vector<kernel::CallOp> calls;
  std::vector<kernel::AllocOp> allocs;
  llvm::DenseMap<mlir::Value, size_t> allocIndex; ///< alloc result or view of it -> index in allocs
  std::vector<std::vector<size_t>> reads, writes; ///< per call: alloc indices
  std::vector<int64_t> first, last;               ///< per alloc: first/last call using it (-1: unused)

  explicit ArenaLiveness(mlir::func::FuncOp fn) {
    fn.walk([&](mlir::Operation *op) {
      if (auto a = llvm::dyn_cast<kernel::AllocOp>(op)) {
        allocIndex[a.getResult()] = allocs.size();
        allocs.push_back(a);
        first.push_back(-1);
        last.push_back(-1);
      } else if (auto v = llvm::dyn_cast<kernel::ViewOp>(op)) {
        if (auto it = allocIndex.find(v.getSource()); it != allocIndex.end())
          allocIndex[v.getResult()] = it->second;
      } else if (auto c = llvm::dyn_cast<kernel::CallOp>(op)) {
        int64_t step = calls.size();
        calls.push_back(c);
        reads.emplace_back();
        writes.emplace_back();
        auto use = [&](mlir::Value v, std::vector<size_t> &list) {
          auto it = allocIndex.find(v);
          if (it == allocIndex.end())
            return;
          list.push_back(it->second);
          if (first[it->second] < 0)
            first[it->second] = step;
          last[it->second] = step;
        };
        for (mlir::Value v : c.getIns())
          use(v, reads.back());
        for (mlir::Value v : c.getOuts())
          use(v, writes.back());
      }
    });
  }

  /// The alloc behind a buffer value, if it is in the arena.
  std::optional<size_t> allocOf(mlir::Value v) const {
    auto it = allocIndex.find(v);
    if (it == allocIndex.end())
      return std::nullopt;
    return it->second;
  }
  int64_t bytes(size_t alloc) const {
    return kernel::bufferBytes(llvm::cast<mlir::MemRefType>(allocs[alloc]->getResult(0).getType()));
  }
};

} // namespace emlc

#endif
