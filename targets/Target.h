//===- Target.h - what emlc knows about a target ----------------*- C++ -*-===//
//
// Every target is a folder `targets/<name>/` with a `target.json` (ISA
// features, kernel folders, cross toolchain and flags, the emulator that runs
// it); the files are embedded into emlc at build time. Adding a target is
// adding a folder.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_TARGETS_TARGET_H
#define EMLC_TARGETS_TARGET_H

#include <map>
#include <string>
#include <vector>

namespace emlc {

struct TargetInfo {
  std::string name;
  std::string description;
  /// Kernel folders searched for each kernel variant, most specific first
  /// (`generic` last).
  std::vector<std::string> kernelDirs;
  /// Kernel variants chosen at compile time: role ("conv_s8", ...) -> the
  /// kernels implementing it on this target (NNToKernel packs each one's
  /// weight layout), fastest first, smallest weights last. A role without an
  /// entry uses the portable kernels.
  std::map<std::string, std::vector<std::string>> variants;
  /// Cost model: executed instructions per MAC of each kernel on this target
  /// (measured with `emlc verify` on the shared models; bench/mcu.py). Read by
  /// the report's instruction estimate and by hardware-aware choices.
  std::map<std::string, double> costPerMac;
  /// The same for kernels without MACs (activations, elementwise ops, layout
  /// copies, (de)quantization): instructions per output element
  /// ("cost_per_element", measured with `emlc verify` on one-op models).
  std::map<std::string, double> costPerElement;
  /// Kernels with MACs: instructions per element of the layer's output on top
  /// of those per MAC ("cost_per_output": requantization, stores, the im2col
  /// patch of a pixel - the work that does not shrink with more channels in).
  std::map<std::string, double> costPerOutput;
  /// Kernels with MACs and a 4-D output: instructions per patch element (MACs
  /// / output channels: the im2col columns gathered, "cost_per_patch").
  std::map<std::string, double> costPerPatch;
  /// Instructions a kernel call adds whatever its size ("cost_per_call":
  /// the call, argument, loop and table set-up; fitted with
  /// bench/cost_model.py): kernel -> instructions, "default" for the kernels
  /// not listed. Counted for every call, costed kernel or not.
  std::map<std::string, double> costPerCall;
  double callCost(const std::string &kernel) const {
    auto it = costPerCall.find(kernel);
    if (it == costPerCall.end())
      it = costPerCall.find("default");
    return it == costPerCall.end() ? 0.0 : it->second;
  }
  /// The kernel for `role`: the fastest, or with `smallest` the one with
  /// the smallest weights; "" for the portable kernels.
  std::string variant(const std::string &role, bool smallest = false) const {
    auto it = variants.find(role);
    if (it == variants.end() || it->second.empty())
      return "";
    return smallest ? it->second.back() : it->second.front();
  }
  /// ISA facts: "arch", "fpu" ("none", "single", "double"), booleans such as
  /// "dsp", "mve", "avx2" (as "true"/"false"), "simd_bits".
  std::map<std::string, std::string> isa;
  int64_t alignment = 16; ///< byte alignment of arena buffers
  /// Core cycles per executed instruction on the target's kernels, and where
  /// the figure comes from: turns the cost model's instructions into
  /// milliseconds at a device's clock. 0: unknown (no time estimate).
  double cyclesPerInstruction = 0;
  std::string cpiSource;
  /// The instruction set whose measured kernel sizes estimate the code size
  /// (targets/generic/kernel_sizes.inc, one row per kernel and ISA): "thumbv7em" or "rv32"; a new one is a line
  /// in scripts/gen_kernel_sizes.py.
  std::string codeIsa = "thumbv7em";
  /// C compiler, size tool, Debian packages that provide them, flags.
  std::string cc, sizeTool;
  std::vector<std::string> packages, cflags, ldflags;
  /// Emulator running an ELF for this target (empty: runs on the host).
  std::string emulator, emulatorPackage;
  std::vector<std::string> emulatorArgs; ///< the ELF path follows them
  bool runsOnHost() const { return emulator.empty(); }
  /// A host target's instruction counter ("instruction_counter": a user-mode
  /// QEMU for the host's ISA, its package, its options): `emlc verify` runs the
  /// program natively (the outputs are judged there) and counts its
  /// instructions under it with the project's plugin. Empty: not counted.
  std::string counter, counterPackage;
  std::vector<std::string> counterArgs; ///< the program path follows them
};

/// The target called `name`, or nullptr.
const TargetInfo *lookupTarget(const std::string &name);
/// All targets (sorted by name, `generic` first), for --help and `emlc targets`.
const std::vector<TargetInfo> &allTargets();
/// Machine-code bytes of a portable kernel with its helpers on `isa` (clang
/// -Os, measured by scripts/gen_kernel_sizes.py), or -1 if not measured.
long kernelCodeBytes(const std::string &kernel, const std::string &isa);

} // namespace emlc

#endif
