//===- Schedule.cpp - memory-aware order of independent nn ops --------------===//
//
// The arena planner places buffers for a given call order; which tensors are
// alive together depends on that order when the graph has branches (residual
// blocks, Concat of branches, several heads). This pass picks the order.
//
// Model of memory: every op result is a buffer of its storage bytes, except
// reshape-like results (an alias of their input) and graph outputs (written
// into the caller's buffer). A buffer is live from its producer until its
// last reader (through aliases).
//
//===----------------------------------------------------------------------===//

#include "dialects/Kernel/KernelDialect.h"
#include "dialects/NN/NNDialect.h"
#include "emlc/Transforms/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include <set>

namespace emlc {
#define GEN_PASS_DEF_SCHEDULEFORMEMORY
#include "emlc/Transforms/Passes.h.inc"
} // namespace emlc

using namespace mlir;

namespace {

bool isAlias(Operation *op) { return llvm::isa<emlc::nn::ReshapeOp, quant::StorageCastOp>(op); }

/// Buffers and their readers for the ops of one block.
struct Graph {
  std::vector<Operation *> ops; ///< in the original order (no constants, no terminator)
  DenseMap<Operation *, size_t> index;
  DenseMap<Value, Value> root;                 ///< value -> the buffer it lives in
  DenseMap<Value, int64_t> bytes;              ///< buffer -> bytes (0: not in the arena)
  DenseMap<Value, int64_t> readers;            ///< buffer -> number of reading ops
  std::vector<SmallVector<Value>> reads, made; ///< per op: buffers read / created
  std::vector<SmallVector<size_t>> preds;      ///< per op: producer ops

  explicit Graph(Block &block) {
    Operation *ret = block.getTerminator();
    for (Operation &op : block)
      if (&op != ret && !op.hasTrait<OpTrait::ConstantLike>()) {
        index[&op] = ops.size();
        ops.push_back(&op);
      }
    reads.resize(ops.size()), made.resize(ops.size()), preds.resize(ops.size());
    for (size_t i = 0; i < ops.size(); ++i) {
      Operation *op = ops[i];
      for (Value v : op->getOperands()) {
        if (Operation *def = v.getDefiningOp(); def && index.count(def))
          preds[i].push_back(index[def]);
        if (auto r = root.find(v); r != root.end() && !llvm::is_contained(reads[i], r->second))
          reads[i].push_back(r->second);
      }
      for (Value r : op->getResults()) {
        if (isAlias(op) && root.count(op->getOperand(0))) {
          // Read before inserting: root[r] may grow the map and free the slot
          // a reference from root[operand] would point into (emlc-fuzz found
          // this under ASan: test/fuzz/regressions/maxpool-3d-schedule.onnx).
          Value buffer = root.lookup(op->getOperand(0));
          root[r] = buffer;
          continue;
        }
        root[r] = r;
        auto t = llvm::cast<ShapedType>(r.getType());
        Type e = t.getElementType();
        if (auto q = llvm::dyn_cast<quant::QuantizedType>(e))
          e = q.getStorageType();
        bytes[r] = t.getNumElements() * emlc::kernel::elementBytes(e);
        made[i].push_back(r);
      }
    }
    for (Value v : ret->getOperands()) // written into the caller's output buffer
      if (auto r = root.find(v); r != root.end())
        bytes[r->second] = 0;
    for (auto &rs : reads)
      for (Value b : rs)
        ++readers[b];
  }

  /// Peak live bytes when running the ops in `order`.
  int64_t peak(ArrayRef<size_t> order) const {
    DenseMap<Value, int64_t> left = readers;
    int64_t live = 0, best = 0;
    for (size_t i : order) {
      for (Value b : made[i])
        live += bytes.lookup(b);
      best = std::max(best, live);
      for (Value b : made[i]) // produced and never read
        if (!left.lookup(b))
          live -= bytes.lookup(b);
      for (Value b : reads[i])
        if (--left[b] == 0)
          live -= bytes.lookup(b);
    }
    return best;
  }

  /// Greedy list schedule: the ready op adding the fewest live bytes first (ties: the earlier op). The ready
  /// ops are kept ordered by that delta, which changes only for the last remaining reader of a buffer: O(E log n),
  /// where rescanning every ready op at every step was quadratic on wide graphs (20,000 parallel ops).
  std::vector<size_t> greedy() const {
    size_t n = ops.size();
    std::vector<size_t> order, waiting(n);
    std::vector<std::vector<size_t>> succs(n);
    for (size_t i = 0; i < n; ++i)
      for (size_t p : preds[i]) {
        ++waiting[i];
        succs[p].push_back(i);
      }
    DenseMap<Value, int64_t> left = readers;
    DenseMap<Value, SmallVector<size_t, 2>> readersOf;
    for (size_t i = 0; i < n; ++i)
      for (Value b : reads[i])
        readersOf[b].push_back(i);
    std::vector<int64_t> delta(n, 0);
    std::vector<char> isReady(n, 0), done(n, 0);
    std::set<std::pair<int64_t, size_t>> ready;
    auto makeReady = [&](size_t i) {
      int64_t d = 0;
      for (Value b : made[i])
        d += bytes.lookup(b);
      for (Value b : reads[i])
        if (left.lookup(b) == 1)
          d -= bytes.lookup(b);
      delta[i] = d;
      isReady[i] = 1;
      ready.insert({d, i});
    };
    for (size_t i = 0; i < n; ++i)
      if (!waiting[i])
        makeReady(i);
    while (!ready.empty()) {
      size_t pick = ready.begin()->second;
      ready.erase(ready.begin());
      isReady[pick] = 0;
      done[pick] = 1;
      order.push_back(pick);
      for (Value b : reads[pick]) {
        if (--left[b] != 1)
          continue;
        // b now has one reader left: reading it frees b, so that reader's delta drops.
        for (size_t r : readersOf[b])
          if (!done[r]) {
            if (isReady[r]) {
              ready.erase({delta[r], r});
              delta[r] -= bytes.lookup(b);
              ready.insert({delta[r], r});
            }
            break;
          }
      }
      for (size_t s : succs[pick])
        if (--waiting[s] == 0)
          makeReady(s);
    }
    return order;
  }
};

struct ScheduleForMemoryPass : emlc::impl::ScheduleForMemoryBase<ScheduleForMemoryPass> {
  void runOnOperation() override {
    Block &block = getOperation().getBody().front();
    Graph g(block);
    std::vector<size_t> original(g.ops.size());
    for (size_t i = 0; i < original.size(); ++i)
      original[i] = i;
    std::vector<size_t> order = g.greedy();
    if (order.size() != g.ops.size() || g.peak(order) >= g.peak(original))
      return;
    // Every op moves to the end in the new order: constants stay where they
    // were, so they still come before their users.
    Operation *ret = block.getTerminator();
    for (size_t i : order)
      g.ops[i]->moveBefore(ret);
  }
};
} // namespace
