//===- Verify.h - run emitted C on its target and compare -------*- C++ -*-===//
//
// `emlc verify MODEL --target T`: compile, build with the target's toolchain
// (targets/<T>/target.json), run on the host or under the target's emulator
// (QEMU), compare the outputs with the expected ones, and measure the model's
// code/data/bss and (under QEMU, with the project's instruction-counting
// plugin) the instructions one inference executes.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_VERIFY_VERIFY_H
#define EMLC_VERIFY_VERIFY_H

#include "emlc/Pipeline/Compiler.h"
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace emlc {

struct VerifyOptions {
  std::string model, target = "generic";
  /// A device of the catalog: its core's target, and its budgets (a model that
  /// does not fit is refused like emlc compile --device refuses it).
  std::string device;
  /// Optional: adjusts the compile after verify set it up (emlc fit --measure
  /// verifies its chosen configuration this way). A compile that quantizes
  /// or prunes is compared with the original model: reported, not judged.
  std::function<void(CompileOptions &)> configure;
  /// An input .pb or .npy, or a folder of input_K.pb. Default: every test_data_set_N next to the model, or,
  /// when there is none, seeded random inputs in each input's natural range.
  std::string input;
  /// A folder of output_K.pb (default: beside the inputs). Without expected outputs, emlc's reference
  /// interpreter computes them from the model as written.
  std::string expected;
  uint64_t seed = 1;                                  ///< of the random inputs
  std::map<std::string, std::vector<int64_t>> shapes; ///< --shape NAME=DIMS (inputs the test data does not fix)
  std::string optimize = "speed";                     ///< the compile's --optimize
  std::string plugin;                                 ///< the instruction-counting QEMU plugin (.so); empty: no count
  std::string workDir;                                ///< where to build (default: a fresh temporary folder)
  double relTol = 1e-4;                               ///< float outputs: max |got - want| <= relTol * max |want|
  /// Float outputs dequantized from int8 (int8 models): errors of up to this
  /// many steps of the output's grid pass too (a rounding difference is 1 LSB).
  double lsb = 1.0;
  /// Integer outputs against the reference interpreter (no expected outputs given) pass within this many steps:
  /// the interpreter rounds each layer's float result onto its grid where the integer kernels keep TFLite's
  /// fixed point, so int8 models differ by a few steps, more after a Softmax (ResNet-8: 19 of 256).
  double interpreterLsb = 24;
  /// Post-training quantization of a float model before the run, passed to
  /// the compile (as `emlc compile --quantize/--precision/--calibration`):
  /// empty quantize and precision compile the model as it is. The expected
  /// outputs are then the float model's: the error is quantization's, so it
  /// is reported (in output LSBs) and not judged.
  std::string quantize, precision, calibration;
  std::vector<std::string> layerPrecision; ///< NAME=w4a8 pins, as `emlc compile --layer-precision`
  int64_t weightsLimit = -1;               ///< bytes of weights (`--weights-limit`; precision auto spends it)
  int64_t ramLimit = -1;                   ///< arena bytes (`--ram-limit`; auto spends it on int16 activations)
  bool fuse = true;                        ///< false: compiled without the fusion passes (`--no-fuse`)
};

struct VerifyResult {
  bool ok = false;                        ///< built, ran, and every output within tolerance
  std::string error;                      ///< why it could not run (missing tool: which package to install)
  std::vector<std::string> report;        ///< one line per output, then measurements
  int64_t instructions = -1;              ///< per inference, under QEMU with the plugin
  int64_t text = -1, data = -1, bss = -1; ///< of the model's objects (model.c, model_weights.c)
  int64_t macs = 0, arena = 0;
  int64_t weightBytes = 0;          ///< the compile's weights (flash)
  std::vector<std::string> kernels; ///< kernel variants called
  /// The compile report (docs/REPORT.md) with what the run measured under "measured"; empty if it did not compile.
  std::string reportJson;
};

VerifyResult verifyModel(const VerifyOptions &options);

} // namespace emlc

#endif
