//===- Targets.cpp - the target table ---------------------------------------===//
//
// Every target names the kernel folders searched for each kernel variant.
// Until the optimized backends exist, the MCU targets use the portable
// kernels of targets/generic.
//
//===----------------------------------------------------------------------===//

#include "targets/Target.h"

namespace emlc {

const std::vector<TargetInfo> &allTargets() {
  static const std::vector<TargetInfo> targets = {
      {"generic", "portable C99 (any core; the fallback)", {"generic"}, ""},
      {"x86-64", "x86-64 host (portable kernels for now)", {"generic"}, ""},
      {"x86-64-avx2", "x86-64 with AVX2 (portable kernels for now)", {"generic"}, "-mavx2"},
      {"cortex-m0plus", "Arm Cortex-M0+ (portable kernels for now)", {"generic"}, ""},
      {"cortex-m3", "Arm Cortex-M3 (portable kernels for now)", {"generic"}, ""},
      {"cortex-m4", "Arm Cortex-M4F (portable kernels for now)", {"generic"}, ""},
      {"cortex-m7", "Arm Cortex-M7 (portable kernels for now)", {"generic"}, ""},
      {"cortex-m33", "Arm Cortex-M33 (portable kernels for now)", {"generic"}, ""},
      {"cortex-m55", "Arm Cortex-M55 (portable kernels for now)", {"generic"}, ""},
      {"rv32imc", "RISC-V RV32IMC (portable kernels for now)", {"generic"}, "", "rv32"},
      {"rv32imac", "RISC-V RV32IMAC (portable kernels for now)", {"generic"}, "", "rv32"},
      {"rv32imafc", "RISC-V RV32IMAFC (portable kernels for now)", {"generic"}, "", "rv32"},
  };
  return targets;
}

long kernelCodeBytes(const std::string &kernel, const std::string &isa) {
  struct Entry {
    const char *name;
    long thumbv7em, rv32;
  };
  static const Entry table[] = {
#include "targets/generic/kernel_sizes.inc"
  };
  for (const Entry &e : table)
    if (kernel == e.name)
      return isa == "rv32" ? e.rv32 : e.thumbv7em;
  return -1;
}

const TargetInfo *lookupTarget(const std::string &name) {
  for (const auto &t : allTargets())
    if (t.name == name)
      return &t;
  return nullptr;
}

} // namespace emlc
