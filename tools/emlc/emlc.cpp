//===- emlc.cpp - the emlc command line -----------------------------------------===//
//
// Exit codes (stable, for build scripts): 0 success, 1 the model or the
// compile failed (message on stderr), 2 usage error.
//
//===----------------------------------------------------------------------===//

#include "FitCommand.h"
#include "InspectCommand.h"
#include "Options.h"
#include "PruneCommand.h"
#include "emlc/Devices/Device.h"
#include "emlc/Pipeline/Compiler.h"
#include "emlc/Support/CLIParsing.h"
#include "emlc/Support/ToolMain.h"
#include "emlc/Verify/Verify.h"
#include "emlc/Version.h"
#include "targets/Target.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fmt/core.h>
#include <fmt/ranges.h>
#include <google/protobuf/stubs/common.h>
#include <iostream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

constexpr int kExitError = 1;
constexpr int kExitUsage = 2;
constexpr const char *kDeviceHelp =
    "a board or MCU of the catalog (emlc devices lists them): sets --target to its core and --ram-limit /\n"
    "  --flash-limit to its arena region and flash (weights + estimated code must fit) unless given; the\n"
    "  report and summary give milliseconds at its clock, e.g. --device nucleo-l4r5zi";
constexpr const char *kNoFuseHelp =
    "the unfused baseline: no fusion passes (BatchNorm stays a per-channel mul and add, activations,\n"
    "  bias adds and zero pads separate layers, transposes copies), to measure what fusion gains; an int8\n"
    "  QDQ model is still fused into int8 layers on import (that is how its Q/DQ pairs become integer kernels),\n"
    "  e.g. --no-fuse --report unfused.json";

using emlc::cli::parseShapes;
using emlc::cli::printError;
using emlc::cli::printErrors;
using emlc::cli::printWarnings;
using emlc::cli::writeText;

std::string targetList() {
  std::string s;
  for (const auto &t : emlc::allTargets())
    s += (s.empty() ? "" : ", ") + t.name;
  return s;
}

/// The `compile` command line, as parsed.
struct CompileArgs {
  std::string model, out, target = "generic", name = "model", emit = "c", report, ramLimit, flashLimit, svg;
  std::string weightsLimit;
  std::vector<std::string> shapes, values;
  std::string quantize, calibration, calibrationMethod = "minmax", io = "float";
  std::string precision, search = "exact", weightRounding = "feedback", labels;
  double maxAccuracyDrop = -1;
  std::vector<std::string> layerPrecision;
  std::string optimize = "speed";
  PruneFlags pruning;
  bool noFuse = false;
  std::string device;
  emlc::cli::LimitFlags limits;
};

/// After a compile for speed: what --optimize size would give instead (the fast kernels may store weights
/// wider, e.g. int16 on Cortex-M DSP), when it differs. Not after calibration or pruning, which it would repeat.
void printSizeAlternative(emlc::CompileOptions o, const emlc::CompileResult &r) {
  if (r.optimize != "speed" || !o.calibrationPath.empty() || !o.prune.empty())
    return;
  o.optimize = "size";
  o.progress = nullptr;
  emlc::CompileResult s = emlc::compileModel(o);
  int64_t flash = r.weightBytes + r.codeBytes, sizeFlash = s.weightBytes + s.codeBytes;
  if (!s.ok || sizeFlash >= flash)
    return;
  // No speed ratio: the cost model is calibrated on the speed kernels (VWW on Cortex-M4: it says 0.93x,
  // QEMU counts 1.09x).
  fmt::print("  --optimize size:  {} bytes of flash instead of {} ({:.0f}% less: weights {}, code {}), arena {},\n"
             "                    slower kernels (emlc verify --optimize size counts them under QEMU)\n",
             sizeFlash, flash, 100.0 * (flash - sizeFlash) / flash, s.weightBytes, s.codeBytes, s.arenaBytes);
}

int runCompile(const CompileArgs &a) {
  const std::string &model = a.model, &out = a.out, &target = a.target, &name = a.name, &emit = a.emit;
  const std::string &reportPath = a.report, &ramLimit = a.ramLimit, &flashLimit = a.flashLimit, &svgPath = a.svg;
  const std::vector<std::string> &shapeSpecs = a.shapes, &valueSpecs = a.values;
  emlc::CompileOptions o;
  o.modelPath = model;
  o.target = target;
  o.name = name;
  o.emit = emit;
  o.optimize = a.optimize;
  o.fuse = !a.noFuse;
  o.device = a.device;
  if (!emlc::isCIdentifier(name)) {
    printError(fmt::format(
        "--name '{}' is not a C identifier (letters, digits, _; not starting with a digit), e.g. --name kws", name));
    return kExitUsage;
  }
  if (!parseShapes(shapeSpecs, o.inputShapes) || !emlc::cli::applyLimitFlags(a.limits, o.limits))
    return kExitUsage;
  for (auto [text, dest, flag] :
       {std::tuple{&ramLimit, &o.ramLimit, "--ram-limit"}, std::tuple{&flashLimit, &o.flashLimit, "--flash-limit"},
        std::tuple{&a.weightsLimit, &o.weightsLimit, "--weights-limit"}})
    if (!text->empty() && !emlc::parseBytes(*text, *dest)) {
      printError(fmt::format("{} '{}' is not a byte count (for example 65536, 64K or 1M)", flag, *text));
      return kExitUsage;
    }
  if (!emlc::cli::parseInputValues(valueSpecs, o.inputValues))
    return kExitUsage;
  applyPruneFlags(a.pruning, o);
  if (a.pruning.latencyLimit >= 0 && ((a.pruning.prune != "auto" && a.precision != "auto") || a.device.empty())) {
    printError("--latency-limit needs --device (its clock) and --prune=auto or --precision=auto (what it may "
               "change), e.g. --device nucleo-f446re --prune=auto --latency-limit 20; emlc fit also searches "
               "toward a latency limit");
    return kExitUsage;
  }
  auto progress = emlc::cli::progressPrinter();
  if (!o.prune.empty()) {
    o.calibrationPath = a.calibration;
    o.progress = progress;
  }
  // A weight precision asks for quantization (activations int8).
  bool quantize = !a.quantize.empty() || !a.precision.empty() || !a.layerPrecision.empty();
  if (quantize) {
    if (a.calibration.empty()) {
      printError(fmt::format("{} needs --calibration PATH (a .npy of samples, or a folder of .npy/.pb files)",
                             a.quantize.empty() ? "--precision/--layer-precision" : "--quantize=int8"));
      return kExitUsage;
    }
    o.quantize = "int8";
    o.precision = a.precision.empty() ? "int8" : a.precision;
    o.layerPrecision = a.layerPrecision;
    o.search = a.search;
    o.weightRounding = a.weightRounding;
    o.calibrationLabels = a.labels;
    o.maxAccuracyDrop = a.maxAccuracyDrop;
    o.calibrationPath = a.calibration;
    o.calibrationMethod = a.calibrationMethod;
    o.int8IO = a.io == "int8";
    o.progress = progress;
  } else if ((!a.calibration.empty() && a.pruning.prune.empty()) || a.io != "float") {
    printError("--calibration and --io apply with --quantize=int8 (or --precision); "
               "--calibration also with --prune");
    return kExitUsage;
  }
  if (emit == "c" && out.empty()) {
    printError("compile needs -o OUTDIR (or --emit=onnx|nn|kernel to print IR)");
    return kExitUsage;
  }
  emlc::CompileResult r = emlc::compileModel(o);
  printWarnings(r.warnings);
  if (!r.ok) {
    printErrors(r.error);
    return kExitError;
  }
  if (emit != "c") {
    std::cout << r.irText;
    return 0;
  }
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) {
    printError(fmt::format("cannot create output folder '{}': {}", out, ec.message()));
    return kExitError;
  }
  for (const auto &[file, text] : r.files)
    if (!writeText((fs::path(out) / file).string(), text))
      return kExitError;
  for (auto [path, text] : {std::pair{&reportPath, &r.reportJson}, std::pair{&svgPath, &r.arenaSVG}})
    if (!path->empty() && !writeText(*path, *text))
      return kExitError;
  fmt::print("emlc: compiled {} for {} -> {}/{}.h ({} files)\n", model, r.target, out, name, r.files.size());
  fmt::print("  arena (RAM):      {:>9} bytes (schedule-independent lower bound {} bytes)\n", r.arenaBytes,
             r.arenaLowerBound);
  fmt::print("  weights (flash):  {:>9} bytes\n  code (flash):     {:>9} bytes (estimate at -Os)\n"
             "  MACs:             {:>9}\n  kernels:          {:>9} ({})\n",
             r.weightBytes, r.codeBytes, r.macs, r.kernels.size(), fmt::join(r.kernels, ", "));
  fmt::print("  kernel calls:     {:>9}{}\n", r.kernelCalls,
             r.instructionsEstimate
                 ? fmt::format(", about {} instructions (the target's cost model)", r.instructionsEstimate)
                 : std::string());
  if (quantize) {
    fmt::print("  quantized:        int8 activations{}, weights {}, {} calibration run{} ({}), output SQNR vs float:",
               r.int16Layers ? fmt::format(" (int16 in {} layers)", r.int16Layers) : std::string(),
               r.weightPrecisions.empty() ? "int8" : r.weightPrecisions, r.calibrationRuns,
               r.calibrationRuns == 1 ? "" : "s", a.calibrationMethod);
    for (double d : r.outputSQNR)
      fmt::print(" {:.1f} dB", d);
    fmt::print("\n");
    if (r.calibrationTop1 >= 0)
      fmt::print("  top-1 (calibration set, interpreter): {:.2f}% (float {:.2f}%)\n", 100 * r.calibrationTop1,
                 100 * r.floatCalibrationTop1);
  }
  if (!r.pruning.empty())
    fmt::print("  pruned:           {}\n", r.pruning);
  printSizeAlternative(o, r);
  if (!r.device.empty())
    fmt::print("  device:           {} at {} MHz: fits ({} of {} bytes RAM, {} of {} bytes flash with code){}\n",
               r.device, r.clockMHz, r.arenaBytes, r.ramLimit, r.weightBytes + r.codeBytes, r.flashLimit,
               r.latencyMs >= 0 ? fmt::format("; about {:.2f} ms an inference (cost model)", r.latencyMs)
                                : std::string());
  if (!reportPath.empty())
    fmt::print("  report:           {}\n", reportPath);
  if (!svgPath.empty())
    fmt::print("  arena picture:    {}\n", svgPath);
  return 0;
}

/// The instruction-counting QEMU plugin built next to emlc: BUILD/bin/emlc, BUILD/lib/libemlc-qemu-insn-count.so.
std::string qemuPlugin(const char *argv0) {
  std::string exe = llvm::sys::fs::getMainExecutable(argv0, (void *)&qemuPlugin);
  return (fs::path(exe).parent_path().parent_path() / "lib" / "libemlc-qemu-insn-count.so").string();
}

int runVerify(emlc::VerifyOptions o, const PruneFlags &pruning, const std::string &reportPath, const char *argv0) {
  if ((!o.quantize.empty() || !o.precision.empty() || !o.layerPrecision.empty()) && o.calibration.empty()) {
    printError("verify --quantize/--precision/--layer-precision needs --calibration PATH (a .npy of samples, or a "
               "folder of .npy/.pb files)");
    return kExitUsage;
  }
  if (o.quantize.empty() && o.precision.empty() && pruning.prune.empty() && !o.calibration.empty()) {
    printError("verify --calibration applies with --quantize=int8 (or --precision) or --prune");
    return kExitUsage;
  }
  if (!pruning.prune.empty() || pruning.latencyLimit >= 0) // --latency-limit also steers --precision auto
    o.configure = [pruning](emlc::CompileOptions &co) { applyPruneFlags(pruning, co); };
  if (o.plugin.empty())
    o.plugin = qemuPlugin(argv0);
  const emlc::TargetInfo *t = emlc::lookupTarget(o.target);
  if (t && (!t->runsOnHost() || !t->counter.empty()) && !fs::exists(o.plugin))
    emlc::cli::printWarnings({"the instruction counter " + o.plugin +
                              " is missing (it is built and installed next to emlc, in ../lib): "
                              "instructions per inference are not counted"});
  emlc::VerifyResult r = emlc::verifyModel(o);
  if (!r.error.empty()) {
    printErrors("error: " + r.error + "\n");
    return kExitError;
  }
  if (!reportPath.empty() && !r.reportJson.empty() && !writeText(reportPath, r.reportJson))
    return kExitError;
  fmt::print("emlc verify {} on {}:\n", o.model, o.target);
  for (const auto &line : r.report)
    fmt::print("  {}\n", line);
  fmt::print("  weights: {} bytes; kernels: {}\n", r.weightBytes, fmt::join(r.kernels, ", "));
  if (r.instructions >= 0)
    fmt::print("  instructions per inference: {} ({:.2f} per MAC, {} MACs)\n", r.instructions,
               r.macs ? (double)r.instructions / r.macs : 0.0, r.macs);
  if (r.text >= 0)
    fmt::print("  model size: text {} data {} bss {} bytes (arena {} in bss)\n", r.text, r.data, r.bss, r.arena);
  fmt::print("{}\n", r.ok ? "verify: ok" : "verify: FAILED");
  return r.ok ? 0 : kExitError;
}

/// Declares `compile` and its options on `app`, into `c`.
CLI::App *addCompileCommand(CLI::App &app, CompileArgs &c) {
  std::string &model = c.model, &out = c.out, &target = c.target, &name = c.name, &emit = c.emit, &report = c.report,
              &ramLimit = c.ramLimit, &flashLimit = c.flashLimit, &svg = c.svg;
  std::vector<std::string> &shapes = c.shapes, &values = c.values;
  auto *compile =
      app.add_subcommand("compile", "Compile an ONNX model to C (NAME.h, NAME.c, NAME_weights.c in -o).\n"
                                    "  Example: emlc compile mnist.onnx -o out --target x86-64 --name mnist");
  compile->add_option("model", model, "ONNX model file (.onnx)")->required();
  compile->add_option("-o,--output", out, "output folder for the C files (created if missing); e.g. -o build/model");
  compile
      ->add_option("--target", target, "target core: " + targetList() + " (default generic), e.g. --target cortex-m4")
      ->check(emlc::cli::targetName());
  compile->add_option("--name", name, "C prefix of the emitted API, e.g. --name kws gives kws_run() (default model)");
  compile
      ->add_option("--shape", shapes,
                   "bind an input's shape, repeatable: --shape input=1x3x32x32 (dynamic dims default to 1)")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  compile
      ->add_option(
          "--input-value", values,
          "fix a graph input to a value at compile time (it leaves the C API), repeatable:\n"
          "  --input-value shape=shape.pb  (an ONNX TensorProto; for parameter inputs such as a Reshape shape)")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  compile->add_option("--ram-limit", ramLimit,
                      "refuse the model if its arena needs more RAM than this (bytes, K or M); --precision=auto\n"
                      "  spends what is left on int16 activations where they lower the error, --prune=auto prunes\n"
                      "  toward it, e.g. --ram-limit 64K");
  compile->add_option("--flash-limit", flashLimit,
                      "refuse the model if its weights and estimated code need more flash than this (bytes, K\n"
                      "  or M); kernels, --precision=auto and --prune=auto spend what the code leaves,\n"
                      "  e.g. --flash-limit 1M");
  compile->add_option("--weights-limit", c.weightsLimit,
                      "a budget for the weights alone (bytes, K or M), e.g. --weights-limit 120K for a\n"
                      "  --precision=auto search at a given weight size");
  compile
      ->add_option("--optimize", c.optimize,
                   "speed (default): the target's fastest kernels, which may store weights in a wider layout\n"
                   "  (e.g. int16 on Cortex-M DSP) or use larger scratch buffers (e.g. a padded input copy on\n"
                   "  Helium); size: the smallest kernels. With --flash-limit or --ram-limit, speed falls back to\n"
                   "  size when the fast kernels do not fit. e.g. --optimize size")
      ->check(CLI::IsMember({"speed", "size"}));
  compile->add_flag("--no-fuse", c.noFuse, kNoFuseHelp);
  compile->add_option("--device", c.device, kDeviceHelp)->check(emlc::cli::deviceName());
  addLatencyLimit(compile, c.pruning);
  compile->add_option("--report", report,
                      "write the compile report (JSON: per layer kernel, shapes, MACs, weights, arena offset and\n"
                      "  lifetime; totals; arena lower bound), e.g. --report out/report.json (docs/REPORT.md)");
  compile->add_option("--report-svg", svg,
                      "draw the arena over time (buffers as boxes at their offset over their lifetime),\n"
                      "  e.g. --report-svg out/arena.svg");
  compile
      ->add_option("--quantize", c.quantize,
                   "quantize a float model after training (post-training quantization): int8 weights per\n"
                   "  channel, int8 activations from calibration; e.g. --quantize=int8 --calibration calib_x.npy")
      ->check(CLI::IsMember({"int8"}));
  compile->add_option("--calibration", c.calibration,
                      "calibration samples for --quantize: a .npy with samples along axis 0, or a folder of .npy\n"
                      "  or ONNX TensorProto .pb files (one input each; in ONNX's test data layout the input_N.pb,\n"
                      "  and a model folder's test_data_set_N folders), e.g. --calibration data/calib_x.npy;\n"
                      "  give a few hundred samples like the device's inputs (under 10 runs: a warning)");
  compile
      ->add_option("--calibration-method", c.calibrationMethod,
                   "how activation ranges are chosen: minmax (default) or percentile (99.99%, ignores outliers),\n"
                   "  e.g. --calibration-method percentile")
      ->check(CLI::IsMember({"minmax", "percentile"}));
  compile
      ->add_option("--precision", c.precision,
                   "weight precision of conv/fully connected layers (implies --quantize=int8):\n"
                   "  int8 (default), int4 (two per byte), int2 ({-2..1}), ternary ({-1,0,1}), or auto: chosen per\n"
                   "  layer by measured sensitivity so all weights fit --flash-limit (and, with --device,\n"
                   "  the time --latency-limit); with --ram-limit auto also gives int16 activations to the\n"
                   "  layers where they lower the error most within that RAM,\n"
                   "  e.g. --precision=auto --flash-limit 120K --ram-limit 32K --calibration calib_x.npy")
      ->check(CLI::IsMember({"int8", "int4", "int2", "ternary", "auto"}));
  compile
      ->add_option("--layer-precision", c.layerPrecision,
                   "pin one layer's weights, repeatable: ONNX node NAME=wNa8 with N = 8, 4, 2 or t (ternary),\n"
                   "  or NAME=w8a16 for int16 activations (TFLite's 16x8: int8 weights, int16 input and output),\n"
                   "  or NAME=float to keep the layer float (float kernels: for targets with an FPU),\n"
                   "  e.g. --layer-precision fc1=w8a8 --layer-precision conv3=w2a8 --layer-precision head=float")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  compile
      ->add_option("--search", c.search,
                   "with --precision=auto: exact (default; dynamic programming over bytes) or greedy (least\n"
                   "  noise per byte saved, step by step), e.g. --search greedy")
      ->check(CLI::IsMember({"exact", "greedy"}));
  compile->add_option("--calibration-labels", c.labels,
                      "with --precision=auto: a .npy of the calibration samples' classes (integers); the\n"
                      "  summary then gives the plan's top-1 on them, e.g. --calibration-labels calib_y.npy");
  compile
      ->add_option("--max-accuracy-drop", c.maxAccuracyDrop,
                   "with --precision=auto and --calibration-labels: top-1 points the plan may lose against\n"
                   "  float on the calibration set; without --flash-limit auto finds the smallest weights that\n"
                   "  keep it, e.g. --max-accuracy-drop 1.0")
      ->check(CLI::Range(0.0, 100.0));
  compile
      ->add_option("--weight-rounding", c.weightRounding,
                   "below int8: feedback (default: each input column's rounding error is pushed onto the\n"
                   "  columns not yet rounded, through the calibration inputs' correlations, as GPTQ does) or\n"
                   "  nearest (round each weight alone), e.g. --weight-rounding nearest")
      ->check(CLI::IsMember({"feedback", "nearest"}));
  compile
      ->add_option(
          "--io", c.io,
          "with --quantize: float (default: the C API takes and returns float, converted at the edges)\n"
          "  or int8 (the API takes and returns int8; scales and zero points in NAME.h and the report), e.g. --io int8")
      ->check(CLI::IsMember({"float", "int8"}));
  addPruneFlags(compile, c.pruning);
  compile
      ->add_option("--emit", emit,
                   "stop at a level and print it: onnx, nn, kernel; or c (default: write C files), e.g. --emit=nn")
      ->check(CLI::IsMember({"onnx", "nn", "kernel", "c"}));
  emlc::cli::addLimitFlags(compile, c.limits, /*emitsC=*/true);

  return compile;
}
/// Declares `verify` and its options on `app`.
CLI::App *addVerifyCommand(CLI::App &app, emlc::VerifyOptions &vo, PruneFlags &pruning, bool &noFuse,
                           std::vector<std::string> &verifyShapes, std::string &reportPath) {
  auto *verify = app.add_subcommand(
      "verify", "Compile, build with the target's toolchain, run (host or QEMU) and compare with expected outputs;\n"
                "  print the error, instructions per inference (QEMU; x86 targets under qemu-x86_64) and the model's\n"
                "  text/data/bss.\n"
                "  Example: emlc verify kws/model.onnx --target cortex-m4   (uses every kws/test_data_set_N)");
  verify->add_option("model", vo.model, "ONNX model file (.onnx)")->required();
  verify->add_option("--target", vo.target, "target core (default generic; see emlc targets), e.g. --target rv32imac")
      ->check(emlc::cli::targetName());
  verify->add_option("--device", vo.device, kDeviceHelp)->check(emlc::cli::deviceName());
  verify->add_option("--input", vo.input,
                     "an input .pb or .npy, or a folder of input_K.pb (default: every test_data_set_N next to\n"
                     "  the model; without one the first sample of --calibration, else seeded random inputs),\n"
                     "  e.g. --input data/input_0.npy");
  verify->add_option("--expected", vo.expected,
                     "a folder of output_K.pb (default: beside the inputs; without any, emlc's reference\n"
                     "  interpreter computes them from the model), e.g. --expected data/");
  verify->add_option("--seed", vo.seed, "seed of the random inputs (default 1), e.g. --seed 7");
  verify->add_option("--interpreter-lsb", vo.interpreterLsb,
                     "integer outputs against the reference interpreter (no expected outputs given) pass within\n"
                     "  this many steps (default 24: it rounds each layer in float, not in TFLite's fixed point),\n"
                     "  e.g. --interpreter-lsb 4");
  verify->add_option("--shape", verifyShapes, "bind an input's shape, repeatable: --shape input=1x3x32x32")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  verify
      ->add_option("--optimize", vo.optimize,
                   "speed (default) or size kernels, as emlc compile --optimize, e.g. --optimize size")
      ->check(CLI::IsMember({"speed", "size"}));
  verify->add_option("--rel-tol", vo.relTol,
                     "float outputs: max error relative to max|expected| (default 1e-4), e.g. --rel-tol 1e-3");
  verify->add_option("--lsb", vo.lsb,
                     "int8 models with float outputs: also accept errors of up to N steps of the output's int8 grid "
                     "(default 1: a rounding difference), e.g. --lsb 2");
  verify->add_option("--report", reportPath,
                     "write the compile report (as emlc compile --report) with what the run measured under\n"
                     "  \"measured\": instructions per inference, text/data/bss, ok (docs/REPORT.md),\n"
                     "  e.g. --report m4.json");
  verify->add_option("--keep", vo.workDir,
                     "build in this folder and keep it (default: a temporary folder), e.g. --keep build/verify-kws");
  verify
      ->add_option("--quantize", vo.quantize,
                   "quantize a float model first, as emlc compile --quantize does; its outputs are compared with\n"
                   "  the float model's and the error (quantization's) is reported, not judged, e.g. --quantize=int8")
      ->check(CLI::IsMember({"int8"}));
  verify
      ->add_option("--precision", vo.precision,
                   "weight precision of conv/fully connected layers (implies --quantize=int8), as emlc compile\n"
                   "  --precision: int8, int4, int2, ternary, or auto (per layer, within --weights-limit or the\n"
                   "  device's flash, and --latency-limit), e.g. --precision int4")
      ->check(CLI::IsMember({"int8", "int4", "int2", "ternary", "auto"}));
  verify
      ->add_option("--layer-precision", vo.layerPrecision,
                   "pin a layer's precision by ONNX node name, repeatable, as emlc compile --layer-precision,\n"
                   "  e.g. --layer-precision /0/Conv=w4a8")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  // Budgets in bytes, K or M, read as emlc compile reads them.
  auto bytesOption = [&](const std::string &flag, int64_t &dest, const std::string &help) {
    verify->add_option_function<std::string>(
        flag,
        [flag, &dest](const std::string &text) {
          if (!emlc::parseBytes(text, dest))
            throw CLI::ValidationError(flag, "'" + text + "' is not a byte count (for example 64K)");
        },
        help);
  };
  bytesOption("--weights-limit", vo.weightsLimit,
              "bytes the weights may take (--precision auto spends them), as emlc compile --weights-limit, e.g. 48K");
  bytesOption("--ram-limit", vo.ramLimit,
              "arena bytes, as emlc compile --ram-limit (a model over it is refused; --precision auto spends\n"
              "  it on int16 activations, --prune=auto prunes toward it), e.g. --ram-limit 20K");
  addPruneFlags(verify, pruning);
  addLatencyLimit(verify, pruning);
  verify->add_flag("--no-fuse", noFuse, kNoFuseHelp);
  verify->add_option("--calibration", vo.calibration,
                     "calibration samples for --quantize/--precision/--prune (a .npy, or a folder of .npy/.pb files),\n"
                     "  e.g. --calibration kws/test_data_set_0/input_0.pb");
  return verify;
}
/// `emlc targets --json`: what a build system needs to compile a module for each target.
void printTargetsJson() {
  llvm::json::OStream j(llvm::outs(), 2);
  j.array([&] {
    for (const auto &t : emlc::allTargets())
      j.object([&] {
        j.attribute("name", t.name);
        j.attribute("description", t.description);
        j.attribute("cc", t.cc);
        j.attributeArray("arch_flags", [&] {
          for (const auto &f : t.cflags)
            if (llvm::StringRef(f).starts_with("-m")) // not -O, --specs or -D: verify's own choices
              j.value(f);
        });
      });
  });
  llvm::outs() << "\n";
  llvm::outs().flush();
}

/// --version: what a bug report needs (the commit, and the LLVM/MLIR, ONNX and protobuf it was built with).
std::string versionText() {
  int pb = GOOGLE_PROTOBUF_VERSION;
  return fmt::format("emlc {} (commit {})\nLLVM/MLIR {}\nONNX {} (opsets up to 17)\nprotobuf {}.{}.{}", EMLC_VERSION,
                     EMLC_GIT_COMMIT, LLVM_VERSION_STRING, EMLC_ONNX_VERSION, pb / 1000000, pb / 1000 % 1000,
                     pb % 1000);
}
} // namespace

int emlcMain(int argc, char **argv) {
  CLI::App app{"emlc — ahead-of-time compiler from ONNX models to self-contained C for microcontrollers.\n\n"
               "Examples:\n"
               "  emlc compile model.onnx -o out --target cortex-m4 --name net\n"
               "  emlc compile model.onnx --emit=nn            # print the nn-dialect IR\n"
               "  emlc inspect model.onnx --shape input=1x3x32x32\n"
               "  emlc prune model.onnx -o pruned.onnx --prune=0.25   # structured pruning, ONNX out\n"
               "Exit codes: 0 ok; 1 the model, a data file or the compile failed (or verify found a\n"
               "  mismatch, or the model does not fit); 2 the command line is wrong (unknown command,\n"
               "  option, target or device; a malformed value; a missing argument).",
               "emlc"};
  app.set_version_flag("--version", versionText(), "the version, commit, and LLVM/MLIR, ONNX and protobuf versions");
  app.require_subcommand(1);
  app.fallthrough(); // --color is accepted after the command too
  std::string color = "auto";
  app.add_option("--color", color,
                 "colour errors and warnings: auto (default: on a terminal, unless NO_COLOR is set), always,\n"
                 "  never, e.g. --color never")
      ->check(CLI::IsMember({"auto", "always", "never"}));

  CompileArgs c;
  std::string &model = c.model;

  CLI::App *compile = addCompileCommand(app, c);

  InspectArgs inspectArgs;
  CLI::App *inspect = addInspectCommand(app, inspectArgs);

  emlc::VerifyOptions vo;
  bool verifyNoFuse = false;
  PruneFlags verifyPruning;
  std::vector<std::string> verifyShapes;
  std::string verifyReport;
  CLI::App *verify = addVerifyCommand(app, vo, verifyPruning, verifyNoFuse, verifyShapes, verifyReport);

  PruneArgs pruneArgs;
  CLI::App *prune = addPruneCommand(app, pruneArgs);
  FitArgs fitArgs;
  CLI::App *fit = addFitCommand(app, fitArgs);

  auto *targets = app.add_subcommand("targets", "List the targets emlc can compile for.\n  Example: emlc targets");
  bool targetsJson = false;
  targets->add_flag("--json", targetsJson,
                    "name, description, C compiler and the core's flags (-mcpu/-march/-mfpu/-mabi) of each, as\n"
                    "  emlc_add_model() reads them, e.g. emlc targets --json");
  auto *devices = app.add_subcommand(
      "devices", "List the boards and MCUs of the device catalog (devices/*.json): core, emlc target, clock, RAM\n"
                 "  (the arena's region / all), flash, FPU/DSP/MVE and the document each figure comes from.\n"
                 "  Example: emlc devices --json");
  bool devicesJson = false;
  devices->add_flag("--json", devicesJson, "every field as a JSON array, e.g. emlc devices --json");

  auto *completion = app.add_subcommand(
      "completion", "Print a bash completion script for emlc (commands, options, target and device names).\n"
                    "  Example: source <(emlc completion bash)");
  std::string shell;
  completion->add_option("shell", shell, "the shell: bash (the only one so far), e.g. emlc completion bash")
      ->required()
      ->check(CLI::IsMember({"bash"}));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp &e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp &e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion &e) {
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    emlc::cli::setColor(color);
    return emlc::cli::reportParseError(app, e, argc, argv);
  }
  emlc::cli::setColor(color);
  if (completion->parsed()) {
    fmt::print("{}", emlc::cli::bashCompletion(app));
    return 0;
  }
  // A model path that is missing, a folder or unreadable: said before any work (exit 1, like any bad input file).
  std::string modelPath = compile->parsed()   ? model
                          : inspect->parsed() ? inspectArgs.model
                          : verify->parsed()  ? vo.model
                          : prune->parsed()   ? pruneArgs.model
                          : fit->parsed()     ? fitArgs.model
                                              : "";
  if (!modelPath.empty())
    if (std::string problem = emlc::cli::modelFileProblem(modelPath); !problem.empty()) {
      printError(problem);
      return kExitError;
    }
  if (compile->parsed())
    return runCompile(c);
  if (verify->parsed()) {
    vo.fuse = !verifyNoFuse;
    if (!parseShapes(verifyShapes, vo.shapes))
      return kExitUsage;
    return runVerify(vo, verifyPruning, verifyReport, argv[0]);
  }
  if (inspect->parsed())
    return runInspect(inspectArgs);
  if (prune->parsed())
    return runPrune(pruneArgs);
  if (fit->parsed()) {
    fitArgs.plugin = qemuPlugin(argv[0]);
    return runFit(fitArgs);
  }
  if (devices->parsed()) {
    emlc::printDevices(llvm::outs(), devicesJson);
    llvm::outs().flush();
    return 0;
  }
  if (targets->parsed() && targetsJson) {
    printTargetsJson();
    return 0;
  }
  if (targets->parsed()) {
    for (const auto &t : emlc::allTargets())
      fmt::print("{:<14} {}\n", t.name, t.description);
    return 0;
  }
  return kExitUsage;
}

int main(int argc, char **argv) {
  return emlc::runToolMain("emlc", [&] { return emlcMain(argc, argv); });
}
