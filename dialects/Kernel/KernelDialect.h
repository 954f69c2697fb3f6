//===- KernelDialect.h - the kernel dialect --------------------*- C++ -*-===//
#ifndef EMLC_DIALECTS_KERNEL_KERNELDIALECT_H
#define EMLC_DIALECTS_KERNEL_KERNELDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include <string>

#include "dialects/Kernel/KernelDialect.h.inc"
#define GET_ATTRDEF_CLASSES
#include "dialects/Kernel/KernelAttrs.h.inc"
#define GET_OP_CLASSES
#include "dialects/Kernel/KernelOps.h.inc"

namespace emlc {
struct TargetInfo;
}

namespace emlc::kernel {
/// The module attribute holding the target (#kernel.target), set once by emlc-set-target.
constexpr llvm::StringLiteral kTargetAttrName = "emlc.target";
/// The attribute for `target`: its name and ISA facts.
TargetAttr makeTargetAttr(mlir::MLIRContext *ctx, const TargetInfo &target);
/// The target of the module enclosing `op` (or of `op` if it is the module);
/// null when the module has no target attribute.
const TargetInfo *getTarget(mlir::Operation *op);

/// The C type of a buffer's elements, as kernels take them and the printer
/// declares them: float, int8_t, uint16_t (the bits of f16/bf16), ...
std::string cElementType(mlir::Type t);
/// Bytes of one element in a buffer (booleans take a byte).
inline int64_t elementBytes(mlir::Type t) {
  unsigned w = t.getIntOrFloatBitWidth();
  return w < 8 ? 1 : w / 8;
}
/// Bytes of a whole static buffer.
inline int64_t bufferBytes(mlir::ShapedType t) { return t.getNumElements() * elementBytes(t.getElementType()); }
} // namespace emlc::kernel

#endif
