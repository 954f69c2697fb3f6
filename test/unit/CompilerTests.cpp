// The library behind `emlc compile`: outputs, determinism, option parsing.
#include "emlc/Pipeline/Compiler.h"
#include "emlc/Support/CLIParsing.h"
#include "targets/Target.h"
#include <catch2/catch.hpp>
#include <filesystem>

static emlc::CompileOptions tinyOptions() {
  emlc::CompileOptions o;
  o.modelPath = std::string(EMLC_TEST_INPUTS) + "/tiny_cnn.onnx";
  o.name = "tiny";
  return o;
}

TEST_CASE("compiling twice gives byte-identical files") {
  auto a = emlc::compileModel(tinyOptions());
  auto b = emlc::compileModel(tinyOptions());
  REQUIRE(a.ok);
  REQUIRE(b.ok);
  CHECK(a.files == b.files);
  CHECK(a.files.count("tiny.h") == 1);
  CHECK(a.files.count("tiny.c") == 1);
  CHECK(a.files.count("tiny_weights.c") == 1);
}

TEST_CASE("the emitted code has no malloc and declares the run function") {
  auto r = emlc::compileModel(tinyOptions());
  REQUIRE(r.ok);
  for (const auto &[name, text] : r.files)
    CHECK(text.find("malloc") == std::string::npos);
  CHECK(r.files["tiny.h"].find("int tiny_run(const void *const inputs[], void *const outputs[]);") !=
        std::string::npos);
  CHECK(r.files["tiny.h"].find("#define tiny_ARENA_SIZE") != std::string::npos);
}

TEST_CASE("the arena is smaller than the sum of the intermediates") {
  auto r = emlc::compileModel(tinyOptions());
  REQUIRE(r.ok);
  // conv 4x8x8 f32 (1024 B) and pool 4x4x4 f32 (256 B) are live together:
  // the arena must hold both and nothing more than their aligned sum.
  CHECK(r.arenaBytes >= 1024 + 256);
  CHECK(r.arenaBytes <= 1024 + 256 + 16);
}

TEST_CASE("unknown targets are refused with the list") {
  auto o = tinyOptions();
  o.target = "z80";
  auto r = emlc::compileModel(o);
  CHECK_FALSE(r.ok);
  CHECK(r.error.find("unknown target 'z80'") != std::string::npos);
  CHECK(r.error.find("cortex-m4") != std::string::npos);
}

TEST_CASE("every targets/<name>/target.json is a complete target") {
  size_t folders = 0;
  for (const auto &e : std::filesystem::directory_iterator(std::string(EMLC_SOURCE_DIR) + "/targets"))
    if (std::filesystem::exists(e.path() / "target.json")) {
      ++folders;
      const emlc::TargetInfo *t = emlc::lookupTarget(e.path().filename().string());
      REQUIRE(t);
      CHECK(!t->kernelDirs.empty());
      CHECK(!t->cc.empty());
      CHECK(!t->packages.empty());
      CHECK(t->isa.count("arch"));
      CHECK((t->runsOnHost() || !t->emulatorPackage.empty()));
    }
  CHECK(folders == emlc::allTargets().size());
  CHECK(folders >= 12);
}

TEST_CASE("shape text parsing") {
  std::vector<int64_t> d;
  CHECK(emlc::parseShape("1x3x32x32", d));
  CHECK(d == std::vector<int64_t>{1, 3, 32, 32});
  CHECK_FALSE(emlc::parseShape("1x-3", d));
  CHECK_FALSE(emlc::parseShape("", d));
  CHECK_FALSE(emlc::parseShape("1xx2", d));
  CHECK(emlc::isCIdentifier("net_1"));
  CHECK_FALSE(emlc::isCIdentifier("1net"));
  CHECK_FALSE(emlc::isCIdentifier("my-net"));
}
