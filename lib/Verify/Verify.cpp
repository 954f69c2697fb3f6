//===- Verify.cpp - run emitted C on its target and compare ----------------===//
//
// The generated test program embeds the input bytes, calls NAME_run
// EMLC_RUNS times and prints every output as hex on stdout (semihosting under
// QEMU). Instructions per inference = count(2 runs) - count(1 run), so start-up
// code and printing cancel out.
//
//===----------------------------------------------------------------------===//

#include "emlc/Verify/Verify.h"
#include "TestSets.h"
#include "emlc/Devices/Device.h"
#include "emlc/Importer/Importer.h"
#include "emlc/Pipeline/Compiler.h"
#include "emlc/Support/TensorFiles.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/MLIRContext.h"
#include "targets/Target.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include <cmath>
#include <fstream>
#include <sstream>

using namespace mlir;

namespace emlc {
namespace {

/// The vector extensions a host target's code uses (its isa flags) that this
/// CPU lacks, comma-separated; empty when it can run the program.
std::string hostLacks(const TargetInfo &t) {
  auto wants = [&](const char *flag) {
    auto it = t.isa.find(flag);
    return it != t.isa.end() && it->second == "true";
  };
  std::vector<std::string> missing;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (wants("sse4_1") && !__builtin_cpu_supports("sse4.1"))
    missing.push_back("SSE4.1");
  if (wants("avx2") && !__builtin_cpu_supports("avx2"))
    missing.push_back("AVX2");
  if (wants("fma") && !__builtin_cpu_supports("fma"))
    missing.push_back("FMA");
#else
  if (auto it = t.isa.find("arch"); it != t.isa.end() && it->second == "x86-64")
    missing.push_back("x86-64 instructions");
  (void)wants;
#endif
  return llvm::join(missing, ", ");
}

struct Run {
  int code = -1;
  std::string out, err;
};

/// Runs `argv` (argv[0] a program path) with a time limit, capturing output.
Run execute(const std::vector<std::string> &argv, const std::string &dir, unsigned seconds = 900) {
  Run r;
  static int serial = 0; // a fresh pair of files per run (redirects do not truncate)
  std::string stem = dir + "/run" + std::to_string(serial++);
  std::string outPath = stem + ".stdout", errPath = stem + ".stderr";
  llvm::sys::fs::remove(outPath), llvm::sys::fs::remove(errPath);
  std::vector<StringRef> args(argv.begin(), argv.end());
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(outPath), StringRef(errPath)};
  std::string msg;
  r.code = llvm::sys::ExecuteAndWait(argv[0], args, std::nullopt, redirects, seconds, 0, &msg);
  auto read = [](const std::string &p) {
    auto b = llvm::MemoryBuffer::getFile(p);
    return b ? (*b)->getBuffer().str() : std::string();
  };
  r.out = read(outPath), r.err = read(errPath) + msg;
  return r;
}

/// The tensor's bytes in C order (its element type's storage).
std::string bytesOf(DenseElementsAttr a) {
  ArrayRef<char> raw = a.getRawData();
  if (!a.isSplat())
    return std::string(raw.begin(), raw.end());
  std::string one(raw.begin(), raw.end()), all;
  for (int64_t i = 0; i < a.getNumElements(); ++i)
    all += one;
  return all;
}

/// Element i of a tensor of type `e` stored in `bytes`, as a double.
double element(const std::string &bytes, Type e, int64_t i) {
  unsigned w = e.getIntOrFloatBitWidth() / 8;
  const char *p = bytes.data() + i * w;
  if (e.isF32()) {
    float f;
    memcpy(&f, p, 4);
    return f;
  }
  if (e.isF64()) {
    double d;
    memcpy(&d, p, 8);
    return d;
  }
  int64_t v = 0;
  memcpy(&v, p, w);
  if (!e.isUnsignedInteger() && w < 8 && (v >> (8 * w - 1)) & 1)
    v -= (int64_t)1 << (8 * w);
  return (double)v;
}

std::string cArray(const std::string &name, const std::string &bytes, bool isConst) {
  std::ostringstream s;
  s << "static " << (isConst ? "const " : "") << "unsigned char " << name << "[" << std::max<size_t>(bytes.size(), 1)
    << "] __attribute__((aligned(16)))";
  if (isConst) {
    s << " = {";
    for (size_t i = 0; i < bytes.size(); ++i)
      s << (i % 24 ? "" : "\n  ") << (unsigned)(unsigned char)bytes[i] << ",";
    s << "\n}";
  }
  s << ";\n";
  return s.str();
}

bool writeFile(const std::string &path, const std::string &text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  return (bool)f;
}

/// text, data, bss summed over objects, from a Berkeley-format `size`.
bool sizes(const TargetInfo &t, const std::vector<std::string> &objects, const std::string &dir, VerifyResult &r) {
  auto tool = llvm::sys::findProgramByName(t.sizeTool);
  if (!tool)
    return false;
  std::vector<std::string> argv{*tool};
  argv.insert(argv.end(), objects.begin(), objects.end());
  Run run = execute(argv, dir, 60);
  if (run.code != 0)
    return false;
  r.text = r.data = r.bss = 0;
  std::istringstream in(run.out);
  std::string line;
  std::getline(in, line); // header
  while (std::getline(in, line)) {
    std::istringstream l(line);
    int64_t a, b, c;
    if (l >> a >> b >> c)
      r.text += a, r.data += b, r.bss += c;
  }
  return true;
}
/// The target's C compiler and, off the host, its emulator: a missing one is
/// an error naming the Debian packages, as is a host CPU without the ISA.
bool findTools(const TargetInfo &t, std::string &cc, std::string &emulator, std::string &error) {
  auto need = [&](const std::string &name, const std::vector<std::string> &packages) -> std::string {
    if (auto p = llvm::sys::findProgramByName(name))
      return *p;
    error = name + " not found: the " + t.name + " target needs it; install it with `apt-get install " +
            llvm::join(packages, " ") + "`";
    return "";
  };
  if ((cc = need(t.cc, t.packages)).empty())
    return false;
  if (!t.runsOnHost() && (emulator = need(t.emulator, {t.emulatorPackage})).empty())
    return false;
  if (std::string missing = hostLacks(t); t.runsOnHost() && !missing.empty()) {
    error = "this machine's CPU has no " + missing + ", which the " + t.name +
            " target's code uses: verify on a CPU with it, or with --target x86-64 or generic";
    return false;
  }
  return true;
}

/// A host target's instruction counter (a user-mode QEMU), or "" with a note
/// saying what to install: the program still runs, uncounted.
std::string findCounter(const TargetInfo &t, std::vector<std::string> &report) {
  if (!t.runsOnHost() || t.counter.empty())
    return "";
  if (auto p = llvm::sys::findProgramByName(t.counter))
    return *p;
  report.push_back("note: instructions not counted: " + t.counter + " not found (the " + t.name +
                   " target counts them under it; install it with `apt-get install " + t.counterPackage + "`)");
  return "";
}

/// The test program: embeds every set's inputs, runs the model on each set EMLC_RUNS times and prints every
/// output as hex ("OUT<set>_<output> ...").
std::string testProgram(const std::vector<TestSet> &sets) {
  std::ostringstream main;
  main << "/* GENERATED by emlc verify */\n#include <stdio.h>\n#include \"model.h\"\n#ifndef EMLC_RUNS\n"
       << "#define EMLC_RUNS 1\n#endif\n";
  for (size_t s = 0; s < sets.size(); ++s) {
    std::string tag = std::to_string(s) + "_";
    for (size_t i = 0; i < sets[s].in.size(); ++i)
      main << cArray("in" + tag + std::to_string(i), bytesOf(sets[s].in[i]), true);
    for (size_t i = 0; i < sets[s].want.size(); ++i)
      main << cArray("out" + tag + std::to_string(i), std::string(bytesOf(sets[s].want[i]).size(), '\0'), false);
  }
  main << "int main(void) {\n  int r, k;\n";
  for (size_t s = 0; s < sets.size(); ++s) {
    std::string tag = std::to_string(s) + "_";
    main << "  {\n    const void *const inputs[] = {";
    for (size_t i = 0; i < sets[s].in.size(); ++i)
      main << "in" << tag << i << ", ";
    main << "0};\n    void *const outputs[] = {";
    for (size_t i = 0; i < sets[s].want.size(); ++i)
      main << "out" << tag << i << ", ";
    main << "0};\n    for (r = 0; r < EMLC_RUNS; ++r)\n      if (model_run(inputs, outputs) != 0)\n        return 1;\n "
            " }\n";
    for (size_t i = 0; i < sets[s].want.size(); ++i)
      main << "  printf(\"OUT" << tag << i << " \");\n  for (k = 0; k < (int)sizeof(out" << tag << i
           << "); ++k)\n    printf(\"%02x\", out" << tag << i << "[k]);\n  printf(\"\\n\");\n";
  }
  main << "  return 0;\n}\n";
  return main.str();
}

/// Compares what the program printed with the expected outputs: floats within
/// relTol of max|expected| (or, dequantized from an int8 grid, `lsb` steps of
/// it), integers exactly. One report line per output. Without `judge` (a
/// model quantized by the compile, against the float model's outputs) the
/// error is reported, in LSBs of the output grid too, and passes. Integer outputs against the interpreter,
/// which rounds once per layer where the integer kernels keep fixed-point (Interpreter.h), pass within
/// `interpreterLsb`.
/// `label` names the set when there are several.
void compareOutputs(const Run &run, const TestSet &set, size_t s, const std::string &label, double relTol,
                    const std::vector<double> &grids, double lsb, double interpreterLsb, bool judge, VerifyResult &r) {
  const std::vector<DenseElementsAttr> &want = set.want;
  for (size_t i = 0; i < want.size(); ++i) {
    // QEMU's semihosting console may land on stderr: search both.
    std::string printed = run.out + "\n" + run.err, tag = "OUT" + std::to_string(s) + "_" + std::to_string(i) + " ";
    size_t at = printed.find(tag);
    std::string hex =
        at == std::string::npos ? "" : printed.substr(at + tag.size(), printed.find('\n', at) - at - tag.size());
    std::string got = llvm::fromHex(hex), ref = bytesOf(want[i]);
    if (got.size() != ref.size()) {
      r.ok = false;
      r.report.push_back("FAIL " + label + "output " + std::to_string(i) + ": the program printed " +
                         std::to_string(got.size()) + " bytes, " + std::to_string(ref.size()) + " expected");
      continue;
    }
    Type e = want[i].getElementType();
    double maxErr = 0, maxRef = 0;
    int64_t differ = 0;
    for (int64_t k = 0; k < want[i].getNumElements(); ++k) {
      double g = element(got, e, k), w = element(ref, e, k);
      maxErr = std::max(maxErr, std::fabs(g - w));
      maxRef = std::max(maxRef, std::fabs(w));
      differ += g != w;
    }
    bool isFloat = llvm::isa<FloatType>(e);
    double grid = i < grids.size() ? grids[i] : 0.0;
    double steps = set.fromInterpreter ? interpreterLsb : lsb;
    double limit = std::max(relTol * std::max(maxRef, 1e-30), steps * grid);
    bool good = isFloat ? maxErr <= limit : set.fromInterpreter ? maxErr <= interpreterLsb : differ == 0;
    r.ok &= good || !judge;
    std::ostringstream line;
    line << (!judge ? "info " : good ? "ok   " : "FAIL ") << label << "output " << i << ": ";
    if (!judge && isFloat)
      line << "max error " << maxErr << " (" << maxErr / std::max(maxRef, 1e-30) << " of max|ref| " << maxRef
           << (grid > 0 ? "; " + std::to_string(maxErr / grid).substr(0, 6) + " LSB of the int8 output grid " +
                              std::to_string(grid)
                        : std::string())
           << "; quantized or pruned by this compile, against the original model: reported, not judged)";
    else if (isFloat)
      line << "max error " << maxErr << " (" << maxErr / std::max(maxRef, 1e-30) << " of max|ref| " << maxRef
           << "; limit " << relTol
           << (grid > 0 ? " of it, or " + std::to_string(steps).substr(0, 4) + " LSB of the int8 output grid " +
                              std::to_string(grid)
                        : std::string())
           << ")";
    else if (set.fromInterpreter)
      line << differ << " of " << want[i].getNumElements() << " values differ, by up to " << maxErr
           << " (the interpreter's reference, which rounds each layer in float; limit " << interpreterLsb << ")";
    else
      line << differ << " of " << want[i].getNumElements() << " values differ (exact match required)";
    r.report.push_back(line.str());
  }
}

/// Builds the model's objects (measured) and the test program in `dir`, runs
/// it once (compared) and, counting instructions under QEMU, twice. `emulator`
/// runs an MCU target's program; for a host target it is the instruction
/// counter (the program runs natively once, compared, and twice under it).
void buildAndRun(const TargetInfo &t, const std::string &cc, const std::string &emulator, const std::string &plugin,
                 const std::string &d, const std::vector<TestSet> &sets, double relTol,
                 const std::vector<double> &grids, double lsb, double interpreterLsb, bool judge, VerifyResult &r) {
  auto compile = [&](const std::vector<std::string> &extra, std::string &log) {
    std::vector<std::string> argv{cc};
    argv.insert(argv.end(), t.cflags.begin(), t.cflags.end());
    argv.insert(argv.end(), {"-std=c99", "-I", d});
    argv.insert(argv.end(), extra.begin(), extra.end());
    Run run = execute(argv, d, 600);
    log = run.err;
    return run.code == 0;
  };
  std::string log;
  std::vector<std::string> objects{d + "/model.o", d + "/model_weights.o"};
  // The emitted C must build warning-free under -Wall -Wextra -pedantic: a
  // warning is a defect of emlc, so verify fails on it.
  const std::vector<std::string> strict{"-Wall", "-Wextra", "-pedantic", "-Werror"};
  auto withStrict = [&](std::vector<std::string> a) {
    a.insert(a.begin(), strict.begin(), strict.end());
    return a;
  };
  if (!compile(withStrict({"-c", d + "/model.c", "-o", objects[0]}), log) ||
      !compile(withStrict({"-c", d + "/model_weights.c", "-o", objects[1]}), log)) {
    r.error = "building the emitted C with " + t.cc +
              " -Wall -Wextra -pedantic -Werror failed (a defect of emlc: "
              "please report it with the model):\n" +
              log;
    return;
  }
  sizes(t, objects, d, r);
  bool host = t.runsOnHost();
  bool count = !emulator.empty() && !plugin.empty() && llvm::sys::fs::exists(plugin);
  const std::vector<std::string> &emulatorArgs = host ? t.counterArgs : t.emulatorArgs;
  int64_t counts[2] = {-1, -1};
  for (int runs = 1; runs <= (count ? 2 : 1); ++runs) {
    std::string prog = d + "/prog" + std::to_string(runs);
    std::vector<std::string> link{
        "-DEMLC_RUNS=" + std::to_string(runs), d + "/main.c", objects[0], objects[1], "-o", prog};
    link.insert(link.end(), t.ldflags.begin(), t.ldflags.end());
    link.push_back("-lm");
    if (!compile(link, log)) {
      r.error = "linking the test program with " + t.cc + " failed:\n" + log;
      return;
    }
    std::vector<std::string> argv{emulator};
    if (count)
      argv.insert(argv.end(), {"-plugin", plugin});
    argv.insert(argv.end(), emulatorArgs.begin(), emulatorArgs.end());
    argv.push_back(prog);
    auto failed = [&](const Run &run, const std::string &where) {
      r.error =
          "the program failed on " + where + " (exit " + std::to_string(run.code) + "): " + run.err.substr(0, 400);
    };
    Run run;
    if (host && runs == 1) { // a host target: the host's CPU runs the program whose outputs are judged
      if ((run = execute({prog}, d)).code != 0)
        return failed(run, "the host");
    }
    if (!host || count) { // under QEMU: an MCU target's only run, a host target's counted one
      Run emulated = execute(argv, d);
      if (emulated.code != 0)
        return failed(emulated, host ? t.counter : t.emulator);
      if (auto at = emulated.err.find("emlc-insns "); at != std::string::npos)
        counts[runs - 1] = std::stoll(emulated.err.substr(at + 11));
      if (!host)
        run = emulated;
    }
    if (runs == 1) {
      r.ok = true;
      for (size_t s = 0; s < sets.size(); ++s)
        compareOutputs(run, sets[s], s, sets.size() > 1 ? sets[s].name + " " : "", relTol, grids, lsb, interpreterLsb,
                       judge, r);
    }
  }
  if (counts[0] >= 0 && counts[1] >= 0) // the second program runs every set once more
    r.instructions = (counts[1] - counts[0]) / (int64_t)sets.size();
}
/// What the outputs were compared with, for the report's first line.
std::string describe(const std::vector<TestSet> &sets) {
  std::string names;
  for (const TestSet &s : sets)
    names += (names.empty() ? "" : ", ") + s.name;
  return names + (sets[0].fromInterpreter ? "; expected outputs from emlc's reference interpreter" : "");
}

/// The compile report with the run's measurements as "measured" (docs/REPORT.md): the estimates and what the
/// core executed side by side in one file.
std::string withMeasurements(const std::string &reportJson, const VerifyResult &r) {
  llvm::Expected<llvm::json::Value> report = llvm::json::parse(reportJson);
  if (!report || !report->getAsObject()) {
    if (!report)
      llvm::consumeError(report.takeError());
    return reportJson;
  }
  llvm::json::Object measured{{"ok", r.ok}};
  if (r.instructions >= 0)
    measured["instructions"] = r.instructions;
  if (r.text >= 0) {
    measured["text_bytes"] = r.text;
    measured["data_bytes"] = r.data;
    measured["bss_bytes"] = r.bss;
  }
  (*report->getAsObject())["measured"] = std::move(measured);
  std::string out;
  llvm::raw_string_ostream os(out);
  os << llvm::formatv("{0:2}", *report) << "\n";
  return out;
}

} // namespace

VerifyResult verifyModel(const VerifyOptions &o) {
  VerifyResult r;
  std::string targetName = o.target;
  if (!o.device.empty() && !resolveDevice(o.device, targetName, r.error))
    return r;
  const TargetInfo *t = lookupTarget(targetName);
  if (!t) {
    r.error = "unknown target '" + targetName + "' (emlc targets lists them)";
    return r;
  }
  std::string cc, emulator;
  MLIRContext ctx;
  std::vector<TestSet> sets;
  if (!findTools(*t, cc, emulator, r.error) || !readTestSets(o, ctx, sets, r.error))
    return r;
  std::vector<std::string> notes;
  if (t->runsOnHost())
    emulator = findCounter(*t, notes);

  // Compile, with the inputs' shapes bound: the test data's, then --shape.
  CompileOptions co;
  co.modelPath = o.model;
  co.target = t->name;
  co.device = o.device;
  co.name = "model";
  co.fuse = o.fuse;
  co.optimize = o.optimize;
  std::vector<int64_t> ranks;
  std::vector<std::string> argNames = graphInputNames(o.model, &ranks);
  for (size_t i = 0; i < argNames.size(); ++i) {
    if (i < sets[0].in.size()) {
      auto shape = sets[0].in[i].getType().getShape();
      co.inputShapes[argNames[i]] = std::vector<int64_t>(shape.begin(), shape.end());
    } else if (i < sets[0].npy.size()) {
      // A .npy of the input's rank is one batch; one axis more holds samples (calibration data): the first.
      std::vector<int64_t> shape = sets[0].npy[i].second;
      if (!shape.empty() && (int64_t)shape.size() == ranks[i] + 1)
        shape.erase(shape.begin());
      co.inputShapes[argNames[i]] = shape;
    }
  }
  for (const auto &[name, dims] : o.shapes)
    co.inputShapes[name] = dims;
  // Without expected outputs (a model alone, or inputs only), the interpreter runs the model as written.
  for (TestSet &set : sets)
    if (set.want.empty() && !interpreterReference(co, o.seed, ctx, set, r.error))
      return r;
  // A weight precision asks for quantization.
  bool quantize = !o.quantize.empty() || !o.precision.empty() || !o.layerPrecision.empty();
  if (quantize) {
    co.quantize = "int8";
    co.precision = o.precision.empty() ? "int8" : o.precision;
    co.layerPrecision = o.layerPrecision;
    co.calibrationPath = o.calibration;
  }
  co.weightsLimit = o.weightsLimit;
  co.ramLimit = o.ramLimit;
  if (o.configure) // pruning (emlc verify --prune), or emlc fit's chosen configuration
    o.configure(co);
  if (!co.prune.empty() && co.calibrationPath.empty())
    co.calibrationPath = o.calibration;
  bool judge = co.quantize.empty() && co.prune.empty(); // else the error is the compression's: reported
  CompileResult cr = compileModel(co);
  if (!cr.ok) {
    r.error = "compile: " + cr.error;
    return r;
  }
  r.macs = cr.macs, r.arena = cr.arenaBytes, r.weightBytes = cr.weightBytes, r.kernels = cr.kernels;
  SmallString<128> dir(o.workDir);
  if (dir.empty() && llvm::sys::fs::createUniqueDirectory("emlc-verify", dir)) {
    r.error = "cannot create a work folder";
    return r;
  }
  llvm::sys::fs::create_directories(dir);
  std::string d = dir.str().str();
  // A temporary folder goes when verify returns (--keep names one to keep).
  auto cleanup = llvm::make_scope_exit([&] {
    if (o.workDir.empty())
      llvm::sys::fs::remove_directories(d);
  });
  for (const auto &[name, text] : cr.files)
    writeFile(d + "/" + name, text);
  writeFile(d + "/main.c", testProgram(sets));
  buildAndRun(*t, cc, emulator, o.plugin, d, sets, o.relTol, cr.outputGrids, o.lsb, o.interpreterLsb, judge, r);
  r.report.insert(r.report.begin(), "test data: " + describe(sets));
  r.report.insert(r.report.end(), notes.begin(), notes.end());
  r.reportJson = withMeasurements(cr.reportJson, r);
  return r;
}

} // namespace emlc
