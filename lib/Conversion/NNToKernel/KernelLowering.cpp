//===- KernelLowering.cpp - buffers, weights and calls of the kernel function ===//

#include "emlc/Conversion/NNToKernel/KernelLowering.h"
#include "dialects/Kernel/KernelDialect.h"
#include "emlc/Conversion/NNToKernel/LayerFacts.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "targets/Target.h"
#include <cmath>

using namespace mlir;

namespace emlc {

KernelLowering::KernelLowering(ModuleOp module, func::FuncOp oldFn, const TargetInfo &target, bool smallest)
    : module(module), oldFn(oldFn), b(module.getContext()), targetInfo(&target), smallest(smallest) {}

std::string KernelLowering::variant(StringRef role) const { return targetInfo->variant(role.str(), smallest); }

MemRefType KernelLowering::memrefFor(Value tensor) const {
  auto t = llvm::cast<RankedTensorType>(tensor.getType());
  return MemRefType::get(t.getShape(), storageOf(t.getElementType()));
}

std::optional<Value> KernelLowering::lookup(Value tensor) const {
  if (auto it = buffers.find(tensor); it != buffers.end())
    return it->second;
  return std::nullopt;
}

Value KernelLowering::get(Value tensor) {
  if (auto it = buffers.find(tensor); it != buffers.end())
    return it->second;
  auto c = tensor.getDefiningOp<arith::ConstantOp>();
  assert(c && "operand without a buffer");
  auto type = memrefFor(tensor);
  auto attr = llvm::cast<DenseElementsAttr>(c.getValue());
  if (attr.getType().getElementType() != type.getElementType()) // signless storage of unsigned data
    attr = attr.bitcast(type.getElementType());
  auto init = attr.reshape(RankedTensorType::get(type.getShape(), type.getElementType()));
  return buffers[tensor] = makeGlobal(c.getLoc(), type, init);
}

template <typename T> static DenseElementsAttr flat(MemRefType type, ArrayRef<T> values) {
  return DenseElementsAttr::get(RankedTensorType::get(type.getShape(), type.getElementType()), values);
}

Value KernelLowering::global(Location loc, ArrayRef<int32_t> values) {
  auto type = MemRefType::get({(int64_t)values.size()}, b.getIntegerType(32));
  return makeGlobal(loc, type, flat(type, values));
}
Value KernelLowering::global(Location loc, ArrayRef<int16_t> values) {
  auto type = MemRefType::get({(int64_t)values.size()}, b.getIntegerType(16));
  return makeGlobal(loc, type, flat(type, values));
}
Value KernelLowering::global(Location loc, ArrayRef<uint8_t> values) {
  auto type = MemRefType::get({(int64_t)values.size()}, b.getIntegerType(8, /*isSigned=*/false));
  return makeGlobal(loc, type, flat(type, values));
}
Value KernelLowering::global(Location loc, ArrayRef<float> values) {
  auto type = MemRefType::get({(int64_t)values.size()}, b.getF32Type());
  return makeGlobal(loc, type, flat(type, values));
}

/// A new constant global `wN` and its use at the top of the function.
Value KernelLowering::makeGlobal(Location loc, MemRefType type, DenseElementsAttr init) {
  std::string name = "w" + std::to_string(globalCount++);
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPoint(fn);
    b.create<memref::GlobalOp>(loc, name, b.getStringAttr("private"), type, init, /*constant=*/true,
                               /*alignment=*/nullptr);
  }
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToStart(&fn.getBody().front());
  return b.create<memref::GetGlobalOp>(loc, type, name);
}

Value KernelLowering::scratch(Location loc, int64_t n, Type elem) {
  return b.create<kernel::AllocOp>(loc, MemRefType::get({n}, elem), nullptr);
}

Value KernelLowering::zeros(Location loc, int64_t n, Type elem) {
  auto t = RankedTensorType::get({n}, elem);
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToStart(&oldFn.getBody().front());
  return b.create<arith::ConstantOp>(loc, DenseElementsAttr::get(t, b.getZeroAttr(elem)));
}

Value KernelLowering::result(Value tensor, Location loc) {
  if (auto it = concatSlot.find(tensor); it != concatSlot.end()) {
    auto [whole, offset] = it->second;
    auto found = buffers.find(whole);
    Value base = found != buffers.end() ? found->second : result(whole, loc);
    return buffers[tensor] = b.create<kernel::ViewOp>(loc, memrefFor(tensor), base, b.getI64IntegerAttr(offset));
  }
  Value buf;
  if (auto it = outputSlot.find(tensor); it != outputSlot.end()) {
    buf = fn.getArgument(numInputs + it->second);
    if (buf.getType() != memrefFor(tensor)) // the output is a view of it (a reshape or storage cast)
      buf = b.create<kernel::ViewOp>(loc, memrefFor(tensor), buf);
  } else
    buf = b.create<kernel::AllocOp>(loc, memrefFor(tensor), nullptr);
  buffers[tensor] = buf;
  return buf;
}

void KernelLowering::call(Location loc, StringRef kernel, ValueRange ins, ValueRange outs, ArrayRef<Attribute> args) {
  b.create<kernel::CallOp>(loc, kernel, ins, outs, b.getArrayAttr(args));
}

Attribute KernelLowering::table(ArrayRef<int64_t> v) {
  SmallVector<int32_t> w(v.begin(), v.end());
  return b.getDenseI32ArrayAttr(w);
}

SmallVector<Attribute> KernelLowering::i32s(ArrayRef<int64_t> v) {
  SmallVector<Attribute> out;
  for (int64_t x : v)
    out.push_back(i32(x));
  return out;
}

Attribute KernelLowering::typedScalar(Type t, double v) {
  if (auto ft = llvm::dyn_cast<FloatType>(t))
    return FloatAttr::get(ft, v);
  auto it = llvm::cast<IntegerType>(t);
  unsigned w = it.getWidth();
  if (it.isUnsigned()) {
    double mx = std::ldexp(1.0, w) - 1;
    uint64_t u = v <= 0 ? 0 : v >= mx ? (w == 64 ? UINT64_MAX : (uint64_t)mx) : (uint64_t)v;
    return IntegerAttr::get(it, APInt(w, u));
  }
  double mn = -std::ldexp(1.0, w - 1), mx = std::ldexp(1.0, w - 1) - 1;
  int64_t x = v <= mn   ? (w == 64 ? INT64_MIN : (int64_t)mn)
              : v >= mx ? (w == 64 ? INT64_MAX : (int64_t)mx)
                        : (int64_t)v;
  return IntegerAttr::get(it, APInt(w, (uint64_t)x, /*isSigned=*/true));
}

std::pair<Attribute, Attribute> KernelLowering::clampArgs(std::optional<APFloat> lo, std::optional<APFloat> hi) {
  return {f32(lo ? lo->convertToDouble() : -INFINITY), f32(hi ? hi->convertToDouble() : INFINITY)};
}

} // namespace emlc
