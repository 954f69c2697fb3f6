//===- VariantRegistry.cpp - choosing a layer's kernel ----------------------===//

#include "emlc/Conversion/NNToKernel/KernelVariant.h"
#include "targets/KernelSources.h"
#include "targets/Target.h"

using namespace mlir;

namespace emlc {

void VariantRegistry::addRole(StringRef name, std::function<bool(Layer &)> applies) {
  roles.push_back({name.str(), std::move(applies)});
}

void VariantRegistry::addVariant(StringRef name, StringRef role, std::function<bool(Layer &)> matches,
                                 std::function<LogicalResult(Layer &)> lower) {
  variantIndex[name] = variants.size();
  variants.push_back({name.str(), role.str(), folder, std::move(matches), std::move(lower)});
}

void VariantRegistry::addPortable(StringRef opName, PortableLowering lower) { portable[opName] = std::move(lower); }

void VariantRegistry::addPlanner(LayoutPlanner planner) { planners.emplace_back(folder, std::move(planner)); }

const KernelVariant *VariantRegistry::find(StringRef name) const {
  auto it = variantIndex.find(name);
  return it == variantIndex.end() ? nullptr : &variants[it->second];
}

/// A kernel of the portable folder named in a role list: the target prefers
/// the portable lowering for that role.
static bool isPortableKernel(StringRef name) {
  const KernelSignature *s = kernelSignature(name);
  return s && s->folder == "generic";
}

std::optional<double> KernelVariant::costPerMac(const TargetInfo &target) const {
  auto it = target.costPerMac.find(name);
  return it == target.costPerMac.end() ? std::nullopt : std::optional<double>(it->second);
}

std::vector<std::string> VariantRegistry::check(const TargetInfo &target) const {
  std::vector<std::string> problems;
  for (const auto &[kernel, cost] : target.costPerMac)
    if (!kernelSignature(kernel, target.kernelDirs))
      problems.push_back("cost_per_mac names '" + kernel + "', which none of the target's kernel folders has");
  for (const auto &entry : target.variants) {
    const std::string &role = entry.first; // (a lambda may not capture a structured binding in C++17)
    const std::vector<std::string> &names = entry.second;
    if (!llvm::any_of(roles, [&](const KernelRole &r) { return r.name == role; }))
      problems.push_back("role '" + role + "' is not a known role");
    for (const std::string &name : names) {
      if (isPortableKernel(name))
        continue;
      const KernelVariant *v = find(name);
      if (!v)
        problems.push_back("'" + name + "' (role " + role + ") is no registered kernel variant");
      else if (v->role != role)
        problems.push_back("'" + name + "' implements role " + v->role + ", not " + role);
      else if (!llvm::is_contained(target.kernelDirs, v->folder))
        problems.push_back("'" + name + "' comes from folder " + v->folder + ", which the target does not list");
    }
  }
  return problems;
}

void VariantRegistry::plan(KernelLowering &k) const {
  for (const auto &[folder, planner] : planners)
    if (llvm::is_contained(k.target().kernelDirs, folder))
      planner(k);
}

const KernelVariant *VariantRegistry::choose(Layer &layer) const {
  const TargetInfo &t = layer.k.target();
  for (const KernelRole &role : roles) {
    auto it = t.variants.find(role.name);
    if (it == t.variants.end() || it->second.empty() || !role.applies(layer))
      continue;
    ArrayRef<std::string> names = it->second;
    if (layer.k.optimizeForSize())
      names = names.take_back();
    for (const std::string &name : names) {
      if (isPortableKernel(name))
        return nullptr;
      const KernelVariant *v = find(name);
      if (v && v->matches(layer))
        return v;
    }
  }
  return nullptr;
}

LogicalResult VariantRegistry::lower(Layer &layer) const {
  if (const KernelVariant *v = choose(layer))
    return v->lower(layer);
  auto it = portable.find(layer.op->getName().getStringRef());
  if (it == portable.end())
    return layer.op->emitError("no kernel for this op");
  return it->second(layer);
}

} // namespace emlc
