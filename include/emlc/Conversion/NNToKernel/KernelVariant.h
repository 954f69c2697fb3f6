//===- KernelVariant.h - kernel variants registered by their folders -*- C++ -*-===//
//
// What a kernel folder under targets/ tells the nn -> kernel conversion. Each
// folder has C kernels (`kernels/*.c`) and, in `lowering/*.cpp`, the entries
// that use them:
//
// - a *role* is a kind of layer a target may give its own kernels ("conv_s8":
//   an int8 convolution of one group); roles are ranked: when several apply
//   to a layer, the earlier one is asked first;
// - a *variant* is one kernel implementing a role: which layers it can run
//   (shapes, element types, constant weights, requantization range), and how
//   it lowers them (weight layout, scratch buffers, arguments in C order);
// - a *portable lowering* is the targets/generic lowering of one nn op, used
//   when no variant of the target matches;
// - a *layout planner* may choose tensor layouts before lowering (e.g. the
//   channel-interleaved tensors of the x86-avx2 float kernels).
//
// A target's `target.json` orders the variants of each role ("variants":
// fastest first, smallest weights last). For a layer the conversion asks the
// roles that apply in rank order, and in each the target's variants in order
// (with --optimize size only the last): the first variant that matches lowers
// the layer. A role list may name a portable kernel (from targets/generic):
// for that role the target then prefers the portable lowering.
//
// A file targets/<folder>/lowering/<name>.cpp registers its entries in
// `EMLC_KERNEL_VARIANTS(VariantRegistry &registry) { ... }`; CMake finds the
// files and calls them (generic first), so a new folder needs no edit
// elsewhere.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_CONVERSION_NNTOKERNEL_KERNELVARIANT_H
#define EMLC_CONVERSION_NNTOKERNEL_KERNELVARIANT_H

#include "emlc/Conversion/NNToKernel/KernelLowering.h"
#include "llvm/ADT/StringMap.h"
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace emlc {

struct TargetInfo;

/// A kind of layer a target may give its own kernels (a key of target.json's "variants").
struct KernelRole {
  std::string name;
  std::function<bool(Layer &)> applies;
};

/// One C kernel implementing a role.
struct KernelVariant {
  std::string name;   ///< the C kernel (a `// @kernel` section)
  std::string role;   ///< the role it implements
  std::string folder; ///< the kernel folder that registered it
  /// Whether it can run this layer (no IR is created here).
  std::function<bool(Layer &)> matches;
  /// Emits the layer's kernel.call: packed weights, scratch, arguments.
  std::function<mlir::LogicalResult(Layer &)> lower;
  /// Executed instructions per MAC on `target`, from its cost model
  /// (target.json "cost_per_mac", measured with bench/mcu.py), if measured.
  std::optional<double> costPerMac(const TargetInfo &target) const;
};

using PortableLowering = std::function<mlir::LogicalResult(Layer &)>;
using LayoutPlanner = std::function<void(KernelLowering &)>;
/// Copies `bytes` bytes from one buffer into another (a graph output that
/// no kernel wrote in place).
using CopyLowering =
    std::function<void(KernelLowering &, mlir::Location, mlir::Value from, mlir::Value to, int64_t bytes)>;

class VariantRegistry {
public:
  /// Set by the generated registration before each folder's entries.
  void setFolder(llvm::StringRef f) { folder = f.str(); }

  void addRole(llvm::StringRef name, std::function<bool(Layer &)> applies);
  void addVariant(llvm::StringRef name, llvm::StringRef role, std::function<bool(Layer &)> matches,
                  std::function<mlir::LogicalResult(Layer &)> lower);
  /// The portable lowering of ops named `opName` ("nn.conv2d", "quant.qcast").
  void addPortable(llvm::StringRef opName, PortableLowering lower);
  void addPlanner(LayoutPlanner planner);
  void setCopy(CopyLowering copy) { copyLowering = std::move(copy); }

  const KernelVariant *find(llvm::StringRef name) const;
  /// Problems of a target's description against the registered entries:
  /// unknown roles, kernels that are no variant of their role, variants
  /// from folders the target does not list, costs of kernels the target does
  /// not have. Empty when consistent.
  std::vector<std::string> check(const TargetInfo &target) const;

  /// Runs the layout planners of the target's kernel folders.
  void plan(KernelLowering &k) const;
  /// Lowers one layer: the first matching variant of the target, else the
  /// portable lowering; an error on the op when there is none.
  mlir::LogicalResult lower(Layer &layer) const;
  /// The variant `lower` chooses, or null for the portable lowering.
  const KernelVariant *choose(Layer &layer) const;
  void copy(KernelLowering &k, mlir::Location loc, mlir::Value from, mlir::Value to, int64_t bytes) const {
    copyLowering(k, loc, from, to, bytes);
  }

private:
  std::string folder;
  std::vector<KernelRole> roles;
  std::vector<KernelVariant> variants;
  llvm::StringMap<unsigned> variantIndex;
  llvm::StringMap<PortableLowering> portable;
  std::vector<std::pair<std::string, LayoutPlanner>> planners; ///< (folder, planner)
  CopyLowering copyLowering;
};

/// Every folder's entries, registered once.
const VariantRegistry &kernelVariants();

} // namespace emlc

/// Opens a folder's registration function (see the file comment); CMake
/// defines EMLC_VARIANTS_FN per file.
#define EMLC_KERNEL_VARIANTS(param)                                                                                    \
  namespace emlc {                                                                                                     \
  void EMLC_VARIANTS_FN(VariantRegistry &);                                                                            \
  }                                                                                                                    \
  void emlc::EMLC_VARIANTS_FN(param)

#endif
