//===- KernelDialect.cpp - kernel dialect registration and verifiers ------===//

#include "dialects/Kernel/KernelDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "targets/KernelSources.h"
#include "targets/Target.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace emlc::kernel;

#include "dialects/Kernel/KernelDialect.cpp.inc"
#define GET_ATTRDEF_CLASSES
#include "dialects/Kernel/KernelAttrs.cpp.inc"

void KernelDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/Kernel/KernelOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/Kernel/KernelAttrs.cpp.inc"
      >();
}

#define GET_OP_CLASSES
#include "dialects/Kernel/KernelOps.cpp.inc"

namespace emlc::kernel {

LogicalResult TargetAttr::verify(function_ref<InFlightDiagnostic()> emitError, StringRef name, DictionaryAttr) {
  if (!lookupTarget(name.str()))
    return emitError() << "unknown target '" << name << "'";
  return success();
}

TargetAttr makeTargetAttr(MLIRContext *ctx, const TargetInfo &target) {
  Builder b(ctx);
  SmallVector<NamedAttribute> features{b.getNamedAttr("alignment", b.getI64IntegerAttr(target.alignment))};
  for (const auto &[key, value] : target.isa) { // as target.json states them
    Attribute v =
        value == "true" || value == "false" ? Attribute(b.getBoolAttr(value == "true")) : b.getStringAttr(value);
    if (!value.empty() && value.find_first_not_of("0123456789") == std::string::npos)
      v = b.getI64IntegerAttr(std::stoll(value));
    features.push_back(b.getNamedAttr(key, v));
  }
  return TargetAttr::get(ctx, target.name, b.getDictionaryAttr(features));
}

const TargetInfo *getTarget(Operation *op) {
  auto module = llvm::dyn_cast<ModuleOp>(op);
  if (!module)
    module = op->getParentOfType<ModuleOp>();
  auto attr = module ? module->getAttrOfType<TargetAttr>(kTargetAttrName) : TargetAttr();
  return attr ? lookupTarget(attr.getName().str()) : nullptr;
}

} // namespace emlc::kernel

LogicalResult AllocOp::verify() {
  if (getOffsetAttr() && getOffsetAttr().getInt() < 0) // (the accessor reads it unsigned)
    return emitOpError("offset ") << getOffsetAttr().getInt() << " is negative";
  return success();
}

LogicalResult ViewOp::verify() {
  auto s = getSource().getType(), r = getResult().getType();
  if (getOffsetAttr()) {
    int64_t at = getOffsetAttr().getInt(); // (the accessor reads it unsigned)
    if (at < 0 || at + bufferBytes(r) > bufferBytes(s))
      return emitOpError("slice [") << at << ", " << at + bufferBytes(r) << ") is outside the source's "
                                    << bufferBytes(s) << " bytes";
    return success();
  }
  if (s.getNumElements() != r.getNumElements() || s.getElementType() != r.getElementType())
    return emitOpError("must keep the element type and count");
  return success();
}

Value ViewOp::getViewSource() { return getSource(); }

std::string emlc::kernel::cElementType(Type t) {
  if (t.isF32())
    return "float";
  if (t.isF64())
    return "double";
  if (t.isF16() || t.isBF16())
    return "uint16_t"; // raw bits
  auto it = llvm::dyn_cast<IntegerType>(t);
  if (!it)
    return "?";
  if (it.getWidth() == 1)
    return "uint8_t";
  return std::string(it.isUnsigned() ? "uint" : "int") + std::to_string(it.getWidth()) + "_t";
}

/// Whether attribute `a` can be passed as parameter `p`; else what it is.
static bool argFits(Attribute a, const emlc::KernelParam &p, std::string &what) {
  return llvm::TypeSwitch<Attribute, bool>(a)
      .Case([&](IntegerAttr i) {
        what = cElementType(i.getType());
        return !p.pointer && p.type == what;
      })
      .Case([&](FloatAttr f) {
        what = cElementType(f.getType());
        return !p.pointer && p.type == what;
      })
      .Case([&](DenseI32ArrayAttr) {
        what = "an int32_t table";
        return p.pointer && p.isConst && p.type == "int32_t";
      })
      .Case([&](DenseF32ArrayAttr) {
        what = "a float table";
        return p.pointer && p.isConst && p.type == "float";
      })
      .Default([&](Attribute) {
        what = "an attribute C cannot take";
        return false;
      });
}

static std::string describe(const emlc::KernelParam &p) {
  return (p.isConst ? "const " : "") + p.type + (p.pointer ? " *" : " ") + p.name;
}

LogicalResult CallOp::verify() {
  const emlc::TargetInfo *target = getTarget(*this);
  ArrayRef<std::string> dirs = target ? ArrayRef<std::string>(target->kernelDirs) : ArrayRef<std::string>();
  const emlc::KernelSignature *sig = emlc::kernelSignature(getCallee(), dirs);
  if (!sig)
    return emitOpError("calls '") << getCallee() << "', which no kernel folder"
                                  << (target ? " of target '" + target->name + "'" : std::string()) << " defines";
  size_t n = getIns().size() + getOuts().size() + getArgs().size();
  if (n != sig->params.size())
    return emitOpError("passes ") << n << " arguments to '" << getCallee() << "', whose C prototype (" << sig->folder
                                  << ") takes " << sig->params.size();
  size_t i = 0;
  for (Value v : getIns()) {
    const emlc::KernelParam &p = sig->params[i++];
    std::string e = cElementType(llvm::cast<MemRefType>(v.getType()).getElementType());
    if (!p.pointer || (p.type != "void" && p.type != e))
      return emitOpError("input ") << i - 1 << " is a buffer of " << e << ", parameter '" << describe(p) << "' of '"
                                   << getCallee() << "' is not";
    if (!p.isConst && v.getDefiningOp<memref::GetGlobalOp>())
      return emitOpError("passes constant weights as parameter '") << describe(p) << "', which the kernel may write";
  }
  for (Value v : getOuts()) {
    const emlc::KernelParam &p = sig->params[i++];
    std::string e = cElementType(llvm::cast<MemRefType>(v.getType()).getElementType());
    if (!p.pointer || p.isConst || (p.type != "void" && p.type != e))
      return emitOpError("output ") << i - 1 - getIns().size() << " is a writable buffer of " << e << ", parameter '"
                                    << describe(p) << "' of '" << getCallee() << "' is not";
    if (v.getDefiningOp<memref::GetGlobalOp>())
      return emitOpError("writes into constant weights (parameter '") << describe(p) << "')";
  }
  for (Attribute a : getArgs()) {
    const emlc::KernelParam &p = sig->params[i++];
    std::string what;
    if (!argFits(a, p, what))
      return emitOpError("argument ") << i - 1 << " is " << what << ", parameter '" << describe(p) << "' of '"
                                      << getCallee() << "' is not";
  }
  return success();
}
