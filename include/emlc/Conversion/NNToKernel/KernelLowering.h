//===- KernelLowering.h - what a kernel variant's lowering may use -*- C++ -*-===//
//
// emlc-convert-nn-to-kernel rebuilds @main over buffers. Each nn op is lowered
// by a kernel variant registered by a kernel folder under targets/ (see
// KernelVariant.h) through this interface: the buffers of operands and
// results, packed weight globals, scratch buffers in the arena, and the
// kernel.call with its precomputed arguments in the kernel's C order.
//
// Creation order matters: weight globals are named w0, w1, ... as they are
// created and scratch buffers are planned in creation order, so a lowering
// creates them in the order it lists the call's operands.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_CONVERSION_NNTOKERNEL_KERNELLOWERING_H
#define EMLC_CONVERSION_NNTOKERNEL_KERNELLOWERING_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include <memory>
#include <optional>
#include <string>

namespace emlc {

struct TargetInfo;

/// The buffer-level function being built and the operations on it that a
/// kernel variant's lowering needs.
class KernelLowering {
public:
  KernelLowering(mlir::ModuleOp module, mlir::func::FuncOp oldFn, const TargetInfo &target, bool smallest);

  const TargetInfo &target() const { return *targetInfo; }
  /// The target's kernel for `role`: its fastest, or with --optimize size its
  /// smallest-weights one; "" when the target names none.
  std::string variant(llvm::StringRef role) const;
  /// --optimize size: the smallest-weights variants.
  bool optimizeForSize() const { return smallest; }
  mlir::OpBuilder &builder() { return b; }

  /// Buffers hold storage values: a quantized tensor is its integer storage.
  mlir::MemRefType memrefFor(mlir::Value tensor) const;
  /// The buffer holding `tensor` (a constant becomes a weight global on first use).
  mlir::Value get(mlir::Value tensor);
  /// A fresh buffer for a result: the output argument if the graph returns
  /// it, its slice of a Concat output if it is placed there, else an arena buffer.
  mlir::Value result(mlir::Value tensor, mlir::Location loc);
  /// Gives `tensor` an existing buffer (views: reshapes, storage casts).
  void alias(mlir::Value tensor, mlir::Value buffer) { buffers[tensor] = buffer; }
  std::optional<mlir::Value> lookup(mlir::Value tensor) const;
  /// A weight global holding `values` (a layout packed for a kernel).
  mlir::Value global(mlir::Location loc, llvm::ArrayRef<int32_t> values);
  mlir::Value global(mlir::Location loc, llvm::ArrayRef<int16_t> values);
  mlir::Value global(mlir::Location loc, llvm::ArrayRef<float> values);
  /// Bytes (`const uint8_t *`): weights packed below 8 bits.
  mlir::Value global(mlir::Location loc, llvm::ArrayRef<uint8_t> values);
  /// An arena buffer a kernel uses as scratch during its call only.
  mlir::Value scratch(mlir::Location loc, int64_t n, mlir::Type elem);
  /// A constant zero tensor of `n` elements (an absent bias), in the nn function.
  mlir::Value zeros(mlir::Location loc, int64_t n, mlir::Type elem);
  /// Appends one kernel.call.
  void call(mlir::Location loc, llvm::StringRef kernel, mlir::ValueRange ins, mlir::ValueRange outs,
            llvm::ArrayRef<mlir::Attribute> args);

  /// Float tensors stored channel-interleaved, [N][C/8][H][W][8], between
  /// kernels that read and write that layout (chosen by a folder's layout
  /// planner before lowering).
  bool isInterleaved(mlir::Value tensor) const { return interleaved.contains(tensor); }
  void markInterleaved(mlir::Value tensor) { interleaved.insert(tensor); }
  /// Whether `tensor` is the graph's output or written into a Concat's output.
  bool isPlaced(mlir::Value tensor) const { return outputSlot.count(tensor) || concatSlot.count(tensor); }
  /// Whether a Concat input was written into its slice by its producer.
  bool writtenInPlace(mlir::Value tensor) const { return concatSlot.count(tensor); }
  /// The nn function being lowered (for layout planners).
  mlir::func::FuncOp nnFunction() const { return oldFn; }

  // Scalar and table arguments, as the C kernels take them.
  mlir::Attribute i32(int64_t v) { return b.getI32IntegerAttr((int32_t)v); }
  mlir::Attribute f32(double v) { return b.getF32FloatAttr((float)v); }
  /// An int32 table (`const int32_t *` argument).
  mlir::Attribute table(llvm::ArrayRef<int64_t> v);
  /// A float table (`const float *` argument).
  mlir::Attribute floats(llvm::ArrayRef<float> v) { return b.getDenseF32ArrayAttr(v); }
  /// Several int32 scalars in a row.
  llvm::SmallVector<mlir::Attribute> i32s(llvm::ArrayRef<int64_t> v);
  /// `v` as a scalar argument of element type `t`, saturated to its range.
  mlir::Attribute typedScalar(mlir::Type t, double v);
  /// A float clamp (fused activation), -inf/+inf when absent.
  std::pair<mlir::Attribute, mlir::Attribute> clampArgs(std::optional<llvm::APFloat> lo,
                                                        std::optional<llvm::APFloat> hi);

protected:
  mlir::Value makeGlobal(mlir::Location loc, mlir::MemRefType type, mlir::DenseElementsAttr init);

  mlir::ModuleOp module;
  mlir::func::FuncOp oldFn; ///< the nn function
  mlir::func::FuncOp fn;    ///< the kernel function being built
  mlir::OpBuilder b;
  const TargetInfo *targetInfo;
  bool smallest; ///< prefer the kernel variants with the smallest weights
  unsigned numInputs = 0;
  unsigned globalCount = 0;
  llvm::DenseMap<mlir::Value, mlir::Value> buffers;
  llvm::DenseMap<mlir::Value, unsigned> outputSlot; ///< returned value -> output argument index
  /// Concat inputs written straight into their slice of the output:
  /// input -> (concat output, byte offset).
  llvm::DenseMap<mlir::Value, std::pair<mlir::Value, int64_t>> concatSlot;
  llvm::DenseSet<mlir::Value> interleaved;
};

/// One nn op being lowered: the op, the lowering, and facts about the layer
/// computed once and shared by every candidate kernel variant (see
/// LayerFacts.h).
class Layer {
public:
  Layer(mlir::Operation *op, KernelLowering &k) : op(op), k(k), loc(op->getLoc()) {}

  mlir::Operation *const op;
  KernelLowering &k;
  const mlir::Location loc;

  /// `Facts(Layer &)` computed on first use and kept for this layer.
  template <typename Facts> const Facts &facts() {
    static const char key = 0; // one address per Facts type
    std::unique_ptr<Slot> &slot = cache[&key];
    if (!slot)
      slot = std::make_unique<Holder<Facts>>(*this);
    return static_cast<Holder<Facts> &>(*slot).value;
  }

private:
  struct Slot {
    virtual ~Slot() = default;
  };
  template <typename Facts> struct Holder : Slot {
    explicit Holder(Layer &l) : value(l) {}
    Facts value;
  };
  llvm::DenseMap<const void *, std::unique_ptr<Slot>> cache;
};

} // namespace emlc

#endif
