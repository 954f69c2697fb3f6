//===- PlanMemory.cpp - static arena placement ------------------------------===//
//
// 1. Lifetimes: each kernel.alloc lives from its first to its last use in
//    call order; a view's uses are its source's.
// 2. In place: an elementwise call (nn.unary/nn.binary) whose output has the
//    size of an arena input that it uses last shares that input's bytes (the
//    kernels read element k before writing element k). Shared buffers form one
//    placement group.
// 3. Placement: groups go to the lowest aligned gap free over their lifetime,
//    in two orders (largest first; first use first); the smaller arena wins.
//
//===----------------------------------------------------------------------===//

#include "emlc/Transforms/ArenaLiveness.h"
#include "emlc/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "targets/Target.h"
#include "llvm/ADT/EquivalenceClasses.h"

namespace emlc {
#define GEN_PASS_DEF_PLANMEMORY
#include "emlc/Transforms/Passes.h.inc"
} // namespace emlc

using namespace mlir;
using namespace emlc;

namespace {
struct Group {
  std::vector<kernel::AllocOp> allocs;
  int64_t size = 0, first = INT64_MAX, last = -1, offset = 0;
  size_t key = 0; ///< creation index of its first alloc, for a deterministic order
};

/// Places groups in `order` into the lowest aligned gap; returns the arena size.
int64_t place(std::vector<Group> &groups, const std::vector<size_t> &order, int64_t alignment) {
  std::vector<size_t> placed;
  int64_t arena = 0;
  for (size_t i : order) {
    Group &g = groups[i];
    if (g.last < 0) { // never used by a kernel
      g.offset = 0;
      continue;
    }
    std::vector<std::pair<int64_t, int64_t>> busy;
    for (size_t j : placed) {
      const Group &o = groups[j];
      if (o.first <= g.last && g.first <= o.last)
        busy.push_back({o.offset, o.offset + o.size});
    }
    std::sort(busy.begin(), busy.end());
    int64_t off = 0;
    for (auto [s, e] : busy) {
      if (off + g.size <= s)
        break;
      off = std::max(off, (e + alignment - 1) / alignment * alignment);
    }
    g.offset = off;
    placed.push_back(i);
    arena = std::max(arena, off + g.size);
  }
  return arena;
}

struct PlanMemoryPass : emlc::impl::PlanMemoryBase<PlanMemoryPass> {
  using PlanMemoryBase::PlanMemoryBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // The option, else the arena alignment of the module's target.
    const TargetInfo *target = kernel::getTarget(module);
    align = alignment > 0 ? alignment : target ? target->alignment : 16;
    int64_t arena = 0;
    module.walk([&](func::FuncOp fn) { arena = std::max(arena, planFunction(fn)); });
    module->setAttr("emlc.arena_size", IntegerAttr::get(IntegerType::get(&getContext(), 64), arena));
  }

  int64_t align = 16;

  int64_t planFunction(func::FuncOp fn) {
    ArenaLiveness live(fn);
    const auto &allocs = live.allocs;
    const auto &calls = live.calls;
    const auto &first = live.first;
    const auto &last = live.last;
    if (allocs.empty())
      return 0;
    // In-place elementwise: merge the output with an input it uses last.
    llvm::EquivalenceClasses<size_t> classes;
    for (size_t i = 0; i < allocs.size(); ++i)
      classes.insert(i);
    for (size_t step = 0; step < calls.size(); ++step) {
      kernel::CallOp c = calls[step];
      auto layer = c->getAttrOfType<StringAttr>("emlc.layer");
      if (!layer || (layer.getValue() != "nn.unary" && layer.getValue() != "nn.binary") || c.getOuts().size() != 1)
        continue;
      auto out = live.allocOf(c.getOuts()[0]);
      if (!out || first[*out] != (int64_t)step)
        continue;
      for (Value in : c.getIns()) {
        auto it = live.allocOf(in);
        if (!it || *it == *out || last[*it] != (int64_t)step || live.bytes(*it) != live.bytes(*out) ||
            llvm::cast<MemRefType>(in.getType()).getNumElements() !=
                llvm::cast<MemRefType>(c.getOuts()[0].getType()).getNumElements())
          continue; // not its last use, or broadcast: cannot share
        classes.unionSets(*it, *out);
        break;
      }
    }
    std::vector<Group> groups;
    DenseMap<size_t, size_t> groupOf;
    for (auto it = classes.begin(); it != classes.end(); ++it) {
      if (!it->isLeader())
        continue;
      Group g;
      for (auto m = classes.member_begin(it); m != classes.member_end(); ++m) {
        g.allocs.push_back(allocs[*m]);
        g.size = std::max(g.size, live.bytes(*m));
        g.first = std::min(g.first, first[*m]);
        g.last = std::max(g.last, last[*m]);
      }
      g.key = SIZE_MAX;
      for (auto m = classes.member_begin(it); m != classes.member_end(); ++m)
        g.key = std::min(g.key, *m);
      groups.push_back(std::move(g));
    }
    std::sort(groups.begin(), groups.end(), [](const Group &a, const Group &b) { return a.key < b.key; });
    std::vector<size_t> bySize(groups.size()), byFirst(groups.size());
    for (size_t i = 0; i < groups.size(); ++i)
      bySize[i] = byFirst[i] = i;
    std::stable_sort(bySize.begin(), bySize.end(), [&](size_t a, size_t b) {
      if (groups[a].size != groups[b].size)
        return groups[a].size > groups[b].size;
      return groups[a].first < groups[b].first;
    });
    std::stable_sort(byFirst.begin(), byFirst.end(),
                     [&](size_t a, size_t b) { return groups[a].first < groups[b].first; });
    std::vector<Group> alt = groups;
    int64_t sizeA = place(groups, bySize, align), sizeB = place(alt, byFirst, align);
    if (sizeB < sizeA)
      groups.swap(alt);
    for (Group &g : groups)
      for (kernel::AllocOp a : g.allocs)
        a.setOffsetAttr(IntegerAttr::get(IntegerType::get(&getContext(), 64), g.offset));
    return std::min(sizeA, sizeB);
  }
};
} // namespace
