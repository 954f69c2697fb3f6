//===- NNToKernel.cpp - nn dialect -> kernel dialect -----------------------===//
//
// Rebuilds @main at buffer level: inputs and outputs become memref arguments
// (outputs last), constants become memref.global weights, reshapes and
// storage casts become views, and every other nn op becomes the kernel.call
// of the variant its target chooses (KernelVariant.h: the variants, their
// weight layouts, scratch buffers and arguments live in targets/<folder>/
// lowering). A value returned by the graph is written by its producer
// straight into the output argument; an input of a Concat along its outermost
// non-unit axis straight into its slice of the output.
//
//===----------------------------------------------------------------------===//

#include "dialects/Kernel/KernelDialect.h"
#include "dialects/NN/NNDialect.h"
#include "emlc/Conversion/NNToKernel/KernelVariant.h"
#include "emlc/Conversion/NNToKernel/LayerFacts.h"
#include "emlc/Conversion/Passes.h"
#include "emlc/Quantization/Precision.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "targets/Target.h"

namespace emlc {
#define GEN_PASS_DEF_CONVERTNNTOKERNEL
#define GEN_PASS_DEF_SETTARGET
#include "emlc/Conversion/Passes.h.inc"
} // namespace emlc

using namespace mlir;
using namespace emlc;

namespace {

/// Scales and zero points of a quantized op for the report: its output, its
/// first input and (conv / fully connected) its weights; null when none is quantized.
DictionaryAttr quantizationOf(Operation *op) {
  Builder b(op->getContext());
  SmallVector<NamedAttribute> out;
  auto add = [&](StringRef key, Value v) {
    Type e = llvm::cast<ShapedType>(v.getType()).getElementType();
    if (!llvm::isa<quant::QuantizedType>(e))
      return;
    out.push_back(b.getNamedAttr(
        key, b.getDictionaryAttr({b.getNamedAttr("scale", b.getDenseF32ArrayAttr(scalesOf(e))),
                                  b.getNamedAttr("zero_point", b.getDenseI64ArrayAttr(zeroPointsOf(e)))})));
  };
  if (op->getNumResults() == 1)
    add("output", op->getResult(0));
  if (op->getNumOperands() >= 1)
    add("input", op->getOperand(0));
  if (llvm::isa<nn::Conv2DOp, nn::FullyConnectedOp>(op))
    add("weight", op->getOperand(1));
  return out.empty() ? DictionaryAttr() : b.getDictionaryAttr(out);
}

/// The value a returned `r` shows through views (reshapes, storage casts,
/// each read only by the next), when a kernel produces it; else null.
Value viewedProducer(Value r) {
  Value v = r;
  while (Operation *def = v.getDefiningOp()) {
    if (!v.hasOneUse())
      return {};
    if (!llvm::isa<nn::ReshapeOp, quant::StorageCastOp>(def))
      return v == r || llvm::isa<arith::ConstantOp>(def) || def->getNumResults() != 1 ? Value() : v;
    v = def->getOperand(0);
  }
  return {}; // an input
}

/// The conversion of one function: places results, then lowers op by op.
class FunctionLowering : public KernelLowering {
public:
  using KernelLowering::KernelLowering;
  LogicalResult run();

private:
  void placeOutputsAndConcats();
  void buildSignature();
  LogicalResult lowerOp(Operation *op);
  void annotate(Operation *op, Operation *firstCall);
  void copyOutputs(func::ReturnOp ret);
  void eraseUnusedWeights();
};

/// A returned value gets its output argument as its buffer when a kernel
/// produces it (not an input, constant or view) and it is returned once; so
/// does the producer of a returned view (an int8 output's storage cast, a
/// reshape) when only the view reads it: it writes through a view of the
/// output, and no copy follows.
/// Concat along the outermost non-unit axis: each input is one contiguous
/// slice of the output, so its producer can write there (no copy, and the
/// input needs no buffer of its own) when the Concat is its only reader.
void FunctionLowering::placeOutputsAndConcats() {
  auto ret = llvm::cast<func::ReturnOp>(oldFn.getBody().front().getTerminator());
  for (auto [i, r] : llvm::enumerate(ret.getOperands())) {
    Operation *def = r.getDefiningOp();
    if (def && !llvm::isa<arith::ConstantOp, nn::ReshapeOp, quant::StorageCastOp>(def) && !outputSlot.count(r))
      outputSlot[r] = i;
    else if (Value p = viewedProducer(r); p && !outputSlot.count(p))
      outputSlot[p] = i;
  }
  oldFn.walk([&](nn::ConcatOp c) {
    auto y = shapeOf(c.getOutput());
    int64_t axis = c.getAxis();
    if (product(y, 0, axis) != 1)
      return;
    int64_t inner = product(y, axis + 1) * kernel::elementBytes(storageOf(elemOf(c.getOutput()))), at = 0;
    for (Value in : c.getInputs()) {
      Operation *def = in.getDefiningOp();
      if (def && def->getNumResults() == 1 && in.hasOneUse() && !outputSlot.count(in) &&
          elemOf(in) == elemOf(c.getOutput()) &&
          !llvm::isa<arith::ConstantOp, nn::ReshapeOp, quant::StorageCastOp, kernel::ViewOp>(def))
        concatSlot[in] = {c.getOutput(), at * inner};
      at += shapeOf(in)[axis];
    }
  });
}

/// The kernel function: inputs then outputs as memref arguments, with their
/// names and, for integer inputs/outputs of quantized graphs, the grid their
/// values are on (from the quant.scast at the boundary, for the C header).
void FunctionLowering::buildSignature() {
  MLIRContext *ctx = module.getContext();
  auto ret = llvm::cast<func::ReturnOp>(oldFn.getBody().front().getTerminator());
  SmallVector<Type> argTypes;
  for (Value a : oldFn.getArguments())
    argTypes.push_back(memrefFor(a));
  numInputs = argTypes.size();
  for (Value r : ret.getOperands())
    argTypes.push_back(memrefFor(r));
  b.setInsertionPoint(oldFn);
  fn = b.create<func::FuncOp>(oldFn.getLoc(), "main_kernel", FunctionType::get(ctx, argTypes, {}));
  Block *body = fn.addEntryBlock();
  // Argument attributes are collected and set once: each setArgAttr builds a new array of every argument's
  // dictionary (uniqued, never freed), quadratic in time and memory for a model with 20,000 outputs.
  SmallVector<NamedAttrList> argAttrs(argTypes.size());
  for (unsigned i = 0; i < numInputs; ++i) {
    buffers[oldFn.getArgument(i)] = body->getArgument(i);
    if (auto n = oldFn.getArgAttr(i, "emlc.name"))
      argAttrs[i].set("emlc.name", n);
  }
  for (unsigned i = 0; i < ret.getNumOperands(); ++i)
    if (auto n = oldFn.getResultAttr(i, "emlc.name"))
      argAttrs[numInputs + i].set("emlc.name", n);
  auto markGrid = [&](unsigned arg, Value v, Operation *cast) {
    if (!cast || !llvm::isa<quant::StorageCastOp>(cast))
      return;
    Value q = cast->getOperand(0) == v ? cast->getResult(0) : cast->getOperand(0);
    if (auto u = llvm::dyn_cast<quant::UniformQuantizedType>(llvm::cast<ShapedType>(q.getType()).getElementType())) {
      argAttrs[arg].set("emlc.scale", b.getF32FloatAttr((float)u.getScale()));
      argAttrs[arg].set("emlc.zero_point", b.getI64IntegerAttr(u.getZeroPoint()));
    }
  };
  for (unsigned i = 0; i < numInputs; ++i) {
    Value a = oldFn.getArgument(i);
    if (a.hasOneUse())
      markGrid(i, a, *a.getUsers().begin());
  }
  for (auto [i, r] : llvm::enumerate(ret.getOperands()))
    markGrid(numInputs + i, r, r.getDefiningOp());
  SmallVector<DictionaryAttr> dicts;
  for (NamedAttrList &l : argAttrs)
    dicts.push_back(l.getDictionary(ctx));
  fn.setAllArgAttrs(dicts);
  fn->setAttr("emlc.num_inputs", b.getI64IntegerAttr(numInputs));
  b.setInsertionPointToEnd(body);
}

/// Views are no kernels; every other op goes to the target's variants.
LogicalResult FunctionLowering::lowerOp(Operation *op) {
  for (Value r : op->getResults())
    if (llvm::cast<ShapedType>(r.getType()).getRank() > kMaxRank)
      return op->emitError("tensors of rank > 6 are not supported");
  if (auto c = llvm::dyn_cast<quant::StorageCastOp>(op)) { // same bytes, other type
    alias(c.getResult(), b.create<kernel::ViewOp>(op->getLoc(), memrefFor(c.getResult()), get(c.getArg())));
    return success();
  }
  if (auto r = llvm::dyn_cast<nn::ReshapeOp>(op)) {
    alias(r.getOutput(), b.create<kernel::ViewOp>(op->getLoc(), memrefFor(r.getOutput()), get(r.getInput())));
    return success();
  }
  Layer layer(op, *this);
  return kernelVariants().lower(layer);
}

/// For the compile report: which nn op each call implements, its MACs, its
/// quantization and (after PTQ) its SQNR.
void FunctionLowering::annotate(Operation *op, Operation *firstCall) {
  int64_t macs = nn::countMACs(op);
  DictionaryAttr quantInfo = quantizationOf(op);
  StringRef weights; // quantized weights: their precision, on the layer's first call
  int64_t activationBits = 0;
  if (llvm::isa<nn::Conv2DOp, nn::FullyConnectedOp>(op)) {
    if (auto p = precisionOf(llvm::cast<ShapedType>(op->getOperand(1).getType()).getElementType()))
      weights = precisionName(*p);
    if (auto q =
            llvm::dyn_cast<quant::QuantizedType>(llvm::cast<ShapedType>(op->getOperand(0).getType()).getElementType()))
      activationBits = q.getStorageTypeIntegralWidth();
  }
  for (Operation *k = firstCall; k; k = k->getNextNode())
    if (llvm::isa<kernel::CallOp>(k)) {
      k->setAttr("emlc.layer", b.getStringAttr(op->getName().getStringRef()));
      if (macs)
        k->setAttr("emlc.macs", b.getI64IntegerAttr(macs));
      if (quantInfo)
        k->setAttr("emlc.quant", quantInfo);
      for (StringRef a : {"emlc.sqnr", "emlc.predicted_sqnr"})
        if (Attribute v = op->getAttr(a))
          k->setAttr(a, v);
      if (!weights.empty())
        k->setAttr("emlc.weight_precision", b.getStringAttr(weights));
      if (activationBits)
        k->setAttr("emlc.activation_bits", b.getI64IntegerAttr(activationBits));
      weights = "", activationBits = 0;
      macs = 0; // counted once per layer
    }
}

/// Returned values no kernel wrote in place are copied into their output.
void FunctionLowering::copyOutputs(func::ReturnOp ret) {
  for (auto [i, r] : llvm::enumerate(ret.getOperands())) {
    if (auto it = outputSlot.find(r); it != outputSlot.end() && it->second == i)
      continue;
    if (Value p = viewedProducer(r); p && outputSlot.count(p) && outputSlot[p] == i)
      continue;
    int64_t bytes = kernel::bufferBytes(memrefFor(r));
    kernelVariants().copy(*this, ret.getLoc(), get(r), fn.getArgument(numInputs + i), bytes);
  }
}

/// Weights a kernel variant repacked leave their original global and views
/// unused (quant.scast views are made in program order, before the kernel
/// that decides): drop them so only what the code reads ends up in flash.
void FunctionLowering::eraseUnusedWeights() {
  for (bool changed = true; changed;) {
    changed = false;
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(fn.getBody().front())))
      if (llvm::isa<kernel::ViewOp, memref::GetGlobalOp>(op) && op.use_empty())
        op.erase(), changed = true;
  }
  // One walk collects every symbol used: asking per global walked the module
  // once a weight (emlc-fuzz: a deep 3-D conv's 4,000 ops, seconds).
  std::optional<SymbolTable::UseRange> uses = SymbolTable::getSymbolUses(&module.getBodyRegion());
  if (!uses) // an op that may use symbols unknowably: keep every global
    return;
  llvm::DenseSet<StringAttr> used;
  for (const SymbolTable::SymbolUse &u : *uses)
    used.insert(u.getSymbolRef().getRootReference());
  for (auto g : llvm::make_early_inc_range(module.getOps<memref::GlobalOp>()))
    if (!used.contains(g.getSymNameAttr()))
      g.erase();
}

LogicalResult FunctionLowering::run() {
  auto ret = llvm::cast<func::ReturnOp>(oldFn.getBody().front().getTerminator());
  placeOutputsAndConcats();
  kernelVariants().plan(*this);
  buildSignature();
  Block *body = &fn.getBody().front();
  // Stop at the first op without a kernel: later ops would read its missing buffer.
  for (Operation &op : llvm::make_early_inc_range(oldFn.getBody().front())) {
    if (llvm::isa<arith::ConstantOp, func::ReturnOp>(op))
      continue;
    Operation *last = body->empty() ? nullptr : &body->back();
    if (failed(lowerOp(&op)))
      return failure();
    annotate(&op, last ? last->getNextNode() : (body->empty() ? nullptr : &body->front()));
  }
  copyOutputs(ret);
  b.create<func::ReturnOp>(ret.getLoc());
  eraseUnusedWeights();
  oldFn.erase();
  fn.setName("main");
  return success();
}

struct ConvertNNToKernelPass : emlc::impl::ConvertNNToKernelBase<ConvertNNToKernelPass> {
  using ConvertNNToKernelBase::ConvertNNToKernelBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto fn = module.lookupSymbol<func::FuncOp>("main");
    if (!fn) {
      module.emitError("no @main function");
      return signalPassFailure();
    }
    if (optimize != "speed" && optimize != "size") {
      module.emitError("optimize must be speed or size, not '") << optimize << "'";
      return signalPassFailure();
    }
    // Without a target attribute (emlc-set-target), the portable kernels.
    const TargetInfo *target = kernel::getTarget(module);
    if (!target)
      target = lookupTarget("generic");
    FunctionLowering l(module, fn, *target, optimize == "size");
    if (failed(l.run()))
      return signalPassFailure();
  }
};

struct SetTargetPass : emlc::impl::SetTargetBase<SetTargetPass> {
  using SetTargetBase::SetTargetBase;
  void runOnOperation() override {
    const TargetInfo *t = lookupTarget(target);
    if (!t) {
      std::string names;
      for (const TargetInfo &k : allTargets())
        names += (names.empty() ? "" : ", ") + k.name;
      getOperation().emitError("unknown target '") << target << "' (known: " << names << ")";
      return signalPassFailure();
    }
    std::vector<std::string> problems = kernelVariants().check(*t);
    if (!problems.empty()) {
      InFlightDiagnostic d = getOperation().emitError("targets/") << t->name << "/target.json: " << problems.front();
      for (size_t i = 1; i < problems.size(); ++i)
        d.attachNote() << problems[i];
      return signalPassFailure();
    }
    getOperation()->setAttr(kernel::kTargetAttrName, kernel::makeTargetAttr(&getContext(), *t));
  }
};
} // namespace
