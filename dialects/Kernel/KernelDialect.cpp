//===- KernelDialect.cpp - kernel dialect registration and verifiers ------===//

#include "dialects/Kernel/KernelDialect.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace emlc::kernel;

#include "dialects/Kernel/KernelDialect.cpp.inc"

void KernelDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/Kernel/KernelOps.cpp.inc"
      >();
}

#define GET_OP_CLASSES
#include "dialects/Kernel/KernelOps.cpp.inc"

LogicalResult ViewOp::verify() {
  auto s = getSource().getType(), r = getResult().getType();
  if (getOffset()) {
    if (*getOffset() < 0 || *getOffset() + bufferBytes(r) > bufferBytes(s))
      return emitOpError("slice [") << *getOffset() << ", " << *getOffset() + bufferBytes(r)
                                    << ") is outside the source's " << bufferBytes(s) << " bytes";
    return success();
  }
  if (s.getNumElements() != r.getNumElements() || s.getElementType() != r.getElementType())
    return emitOpError("must keep the element type and count");
  return success();
}

Value ViewOp::getViewSource() { return getSource(); }
