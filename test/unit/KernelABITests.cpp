//===- KernelABITests.cpp - the kernels' C prototypes and the variant registry ===//

#include "emlc/Conversion/NNToKernel/KernelVariant.h"
#include "targets/KernelSources.h"
#include "targets/Target.h"
#include <catch2/catch.hpp>

namespace {
std::string describe(const emlc::KernelParam &p) {
  return (p.isConst ? "const " : "") + p.type + (p.pointer ? " *" : " ") + p.name;
}
} // namespace

TEST_CASE("every kernel section has a C prototype the ABI reader understands") {
  std::vector<std::string> problems = emlc::kernelABIProblems();
  for (const std::string &p : problems)
    INFO(p);
  CHECK(problems.empty());
}

TEST_CASE("prototypes written out and made by macros are read as the compiler sees them") {
  // Written out: conv1x1_s8(const int8_t *x, const int8_t *w, int8_t *y, int32_t N, ...).
  const emlc::KernelSignature *c = emlc::kernelSignature("conv1x1_s8");
  REQUIRE(c);
  CHECK(c->folder == "generic");
  REQUIRE(c->params.size() >= 4);
  CHECK(describe(c->params[0]) == "const int8_t *x");
  CHECK(describe(c->params[2]) == "int8_t *y");
  CHECK(describe(c->params[3]) == "int32_t N");
  // EMLC_BINARY(add_i16, int16_t, ...): (const T *a, const T *b, T *y, shape, as, bs, T lo, T hi).
  const emlc::KernelSignature *b = emlc::kernelSignature("add_i16");
  REQUIRE(b);
  REQUIRE(b->params.size() == 8);
  CHECK(describe(b->params[0]) == "const int16_t *a");
  CHECK(describe(b->params[2]) == "int16_t *y");
  CHECK(describe(b->params[3]) == "const int32_t *shape");
  CHECK(describe(b->params[7]) == "int16_t hi");
  // EMLC_UNARY_F32(relu, ...) pastes emlc_##name##_f32.
  const emlc::KernelSignature *r = emlc::kernelSignature("relu_f32");
  REQUIRE(r);
  CHECK(r->params.size() == 5);
  CHECK(describe(r->params[4]) == "float beta");
}

TEST_CASE("a kernel is looked up in its target's folders only, most specific first") {
  std::vector<std::string> m4{"arm-dsp", "scalar", "generic"};
  CHECK(emlc::kernelSignature("conv_s8_dsp_w16", m4));
  CHECK(emlc::kernelSignature("conv_s8_dsp_w16", m4)->folder == "arm-dsp");
  CHECK_FALSE(emlc::kernelSignature("conv_s8_avx2", m4));
  CHECK(emlc::kernelSignature("conv_s8_avx2"));
}

TEST_CASE("every target's variants are registered kernel variants of their role, from folders it lists") {
  const emlc::VariantRegistry &registry = emlc::kernelVariants();
  for (const emlc::TargetInfo &t : emlc::allTargets()) {
    INFO("target " << t.name);
    std::vector<std::string> problems = registry.check(t);
    for (const std::string &p : problems)
      INFO(p);
    CHECK(problems.empty());
    // ... and every variant's kernel exists in those folders with a prototype.
    for (const auto &[role, names] : t.variants)
      for (const std::string &name : names) {
        INFO("role " << role << ": " << name);
        CHECK(emlc::kernelSignature(name, t.kernelDirs));
      }
  }
}

TEST_CASE("a target.json naming a kernel that is no variant of the role is refused") {
  emlc::TargetInfo t = *emlc::lookupTarget("cortex-m4");
  t.variants["conv_s8"] = {"conv_s8_dsp_w16", "fully_connected_s8_dsp"};
  t.variants["dwconv3x3_s8"] = {"conv_s8_avx2"};
  t.variants["no_such_role"] = {"conv_s8_dsp"};
  t.costPerMac["conv_s8_avx2"] = 0.4;
  std::vector<std::string> problems = emlc::kernelVariants().check(t);
  REQUIRE(problems.size() == 5);
  auto has = [&](const std::string &text) {
    return std::any_of(problems.begin(), problems.end(),
                       [&](const std::string &p) { return p.find(text) != std::string::npos; });
  };
  CHECK(has("'fully_connected_s8_dsp' implements role fully_connected_s8, not conv_s8"));
  CHECK(has("'conv_s8_avx2' implements role conv_s8, not dwconv3x3_s8"));
  CHECK(has("role 'no_such_role' is not a known role"));
  CHECK(has("'conv_s8_dsp' implements role conv_s8, not no_such_role"));
  CHECK(has("cost_per_mac names 'conv_s8_avx2', which none of the target's kernel folders has"));
  // The cost a variant reads from the target's model.
  const emlc::KernelVariant *dsp = emlc::kernelVariants().find("conv_s8_dsp_w16");
  REQUIRE(dsp);
  CHECK(dsp->costPerMac(*emlc::lookupTarget("cortex-m4")) == 0.525);
  CHECK_FALSE(dsp->costPerMac(*emlc::lookupTarget("generic")));
}
