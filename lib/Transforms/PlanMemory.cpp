//===- PlanMemory.cpp - static arena placement ------------------------------===//

#include "dialects/Kernel/KernelDialect.h"
#include "emlc/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace emlc {
#define GEN_PASS_DEF_PLANMEMORY
#include "emlc/Transforms/Passes.h.inc"
} // namespace emlc

using namespace mlir;
using namespace emlc;

namespace {
struct Buffer {
  kernel::AllocOp alloc;
  int64_t size = 0, first = INT64_MAX, last = -1, offset = -1;
};

int64_t byteSize(MemRefType t) {
  unsigned w = t.getElementType().getIntOrFloatBitWidth();
  return t.getNumElements() * (w < 8 ? 1 : w / 8);
}

struct PlanMemoryPass : emlc::impl::PlanMemoryBase<PlanMemoryPass> {
  using PlanMemoryBase::PlanMemoryBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    int64_t arena = 0;
    module.walk([&](func::FuncOp fn) {
      std::vector<Buffer> buffers;
      DenseMap<Value, size_t> index; // alloc result or view of it -> buffer
      fn.walk([&](kernel::AllocOp a) {
        index[a.getResult()] = buffers.size();
        buffers.push_back({a, byteSize(a.getType())});
      });
      int64_t step = 0;
      fn.walk([&](Operation *op) {
        if (auto v = llvm::dyn_cast<kernel::ViewOp>(op)) {
          if (auto it = index.find(v.getSource()); it != index.end())
            index[v.getResult()] = it->second;
          return;
        }
        if (!llvm::isa<kernel::CallOp>(op))
          return;
        for (Value operand : op->getOperands())
          if (auto it = index.find(operand); it != index.end()) {
            Buffer &b = buffers[it->second];
            b.first = std::min(b.first, step);
            b.last = std::max(b.last, step);
          }
        ++step;
      });
      std::vector<size_t> order(buffers.size());
      for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
      // Largest first; ties by first use, then creation order, for determinism.
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        if (buffers[a].size != buffers[b].size)
          return buffers[a].size > buffers[b].size;
        return buffers[a].first < buffers[b].first;
      });
      std::vector<size_t> placed;
      for (size_t i : order) {
        Buffer &b = buffers[i];
        if (b.last < 0) { // never used by a kernel
          b.offset = 0;
          continue;
        }
        std::vector<std::pair<int64_t, int64_t>> busy;
        for (size_t j : placed) {
          const Buffer &o = buffers[j];
          if (o.first <= b.last && b.first <= o.last)
            busy.push_back({o.offset, o.offset + o.size});
        }
        std::sort(busy.begin(), busy.end());
        int64_t off = 0;
        for (auto [s, e] : busy) {
          if (off + b.size <= s)
            break;
          off = std::max(off, (e + alignment - 1) / alignment * alignment);
        }
        b.offset = off;
        placed.push_back(i);
        arena = std::max(arena, off + b.size);
      }
      for (Buffer &b : buffers)
        b.alloc.setOffsetAttr(IntegerAttr::get(IntegerType::get(&getContext(), 64), b.offset));
    });
    module->setAttr("emlc.arena_size", IntegerAttr::get(IntegerType::get(&getContext(), 64), arena));
  }
};
} // namespace
