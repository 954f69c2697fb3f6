//===- SharedLowerings.cpp - lowerings a portable kernel shares with variants ===//

#include "targets/generic/lowering/SharedLowerings.h"
#include "dialects/Kernel/KernelDialect.h"
#include "emlc/Conversion/NNToKernel/LayerFacts.h"

using namespace mlir;

namespace emlc {

LogicalResult lowerFullyConnectedF32(Layer &l, StringRef kernel) {
  auto f = llvm::cast<nn::FullyConnectedOp>(l.op);
  KernelLowering &k = l.k;
  auto x = shapeOf(f.getInput()), w = shapeOf(f.getWeight());
  Value bias = f.getBias() ? f.getBias() : k.zeros(l.loc, w[0], elemOf(f.getInput()));
  auto [lo, hi] = k.clampArgs(f.getActMin(), f.getActMax());
  Value out = k.result(f.getOutput(), l.loc);
  k.call(l.loc, kernel, {k.get(f.getInput()), k.get(f.getWeight()), k.get(bias)}, {out},
         {k.i32(x[0]), k.i32(x[1]), k.i32(w[0]), lo, hi});
  return success();
}

LogicalResult lowerAddS8(Layer &l, StringRef kernel) {
  auto bo = llvm::cast<nn::BinaryOp>(l.op);
  const QuantAddFacts &f = l.facts<QuantAddFacts>();
  Value out = l.k.result(bo.getOutput(), l.loc);
  l.k.call(l.loc, kernel, {l.k.get(bo.getLhs()), l.k.get(bo.getRhs())}, {out}, f.args);
  return success();
}

LogicalResult lowerSameShapeBinaryF32(Layer &l, StringRef kernel) {
  auto bo = llvm::cast<nn::BinaryOp>(l.op);
  KernelLowering &k = l.k;
  auto [lo, hi] = k.clampArgs(bo.getActMin(), bo.getActMax());
  Value out = k.result(bo.getOutput(), l.loc);
  k.call(l.loc, kernel, {k.get(bo.getLhs()), k.get(bo.getRhs())}, {out},
         {k.i32(product(shapeOf(bo.getOutput()))), lo, hi});
  return success();
}

LogicalResult lowerReduceRowsF32(Layer &l, StringRef kernel) {
  auto r = llvm::cast<nn::ReduceOp>(l.op);
  auto x = shapeOf(r.getInput());
  int64_t count = 1;
  for (size_t i = 0; i < x.size(); ++i)
    if (llvm::is_contained(r.getAxes(), (int64_t)i))
      count *= x[i];
  Value out = l.k.result(r.getOutput(), l.loc);
  l.k.call(l.loc, kernel, {l.k.get(r.getInput())}, {out},
           l.k.i32s({product(shapeOf(r.getOutput())), count, (int64_t)r.getKind()}));
  return success();
}

LogicalResult lowerStridedCopy(Layer &l, Value in, Value out, ArrayRef<int64_t> outShape, ArrayRef<int64_t> strides,
                               int64_t base) {
  int64_t eb = kernel::elementBytes(storageOf(elemOf(in)));
  Value outBuf = l.k.result(out, l.loc);
  l.k.call(l.loc, "strided_copy_b" + std::to_string(eb), {l.k.get(in)}, {outBuf},
           {l.k.table(pad6(outShape)), l.k.table(pad6(strides, 0)), l.k.i32(base)});
  return success();
}

} // namespace emlc
