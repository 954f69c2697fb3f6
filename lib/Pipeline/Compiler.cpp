//===- Compiler.cpp - one compile, from a model file to C ---------------------===//

#include "emlc/Pipeline/Compiler.h"
#include "emlc/Quantization/PTQ.h"
#include "dialects/Kernel/KernelDialect.h"
#include "dialects/NN/NNDialect.h"
#include "dialects/ONNX/ONNXDialect.h"
#include "emlc/Emit/Report.h"
#include "emlc/Importer/Importer.h"
#include "emlc/Pipeline/Pipeline.h"
#include "targets/Target.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"
#include <onnx/onnx_pb.h>
#include <chrono>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

using namespace mlir;

namespace emlc {

bool parseShape(const std::string &text, std::vector<int64_t> &dims) {
  dims.clear();
  std::stringstream ss(text);
  std::string part;
  while (std::getline(ss, part, 'x')) {
    if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos || part.size() > 9)
      return false;
    dims.push_back(std::stoll(part));
    if (dims.back() <= 0)
      return false;
  }
  return !dims.empty();
}

bool parseBytes(const std::string &text, int64_t &bytes) {
  if (text.empty())
    return false;
  int64_t mul = 1;
  std::string digits = text;
  char last = (char)std::toupper((unsigned char)text.back());
  if (last == 'K' || last == 'M') {
    mul = last == 'K' ? 1024 : 1024 * 1024;
    digits.pop_back();
  }
  if (digits.empty() || digits.size() > 12 || digits.find_first_not_of("0123456789") != std::string::npos)
    return false;
  bytes = std::stoll(digits) * mul;
  return true;
}

bool isCIdentifier(const std::string &s) {
  if (s.empty() || std::isdigit((unsigned char)s[0]))
    return false;
  for (char c : s)
    if (!std::isalnum((unsigned char)c) && c != '_')
      return false;
  return true;
}

namespace {
/// Collects diagnostics as "node 'NAME' (op): message" lines.
struct DiagnosticCollector {
  std::string text;
  ScopedDiagnosticHandler handler;
  explicit DiagnosticCollector(MLIRContext &ctx)
      : handler(&ctx, [this](Diagnostic &d) {
          if (d.getSeverity() != DiagnosticSeverity::Error)
            return success();
          std::string where;
          if (auto n = llvm::dyn_cast<NameLoc>(d.getLocation()))
            where = "node '" + n.getName().str() + "'";
          std::string msg;
          llvm::raw_string_ostream os(msg);
          os << d;
          for (auto &note : d.getNotes()) { // MLIR's "see current operation" dump is noise for users
            std::string n;
            llvm::raw_string_ostream ns(n);
            ns << note;
            if (ns.str().find("see current operation") == std::string::npos)
              os << " (" << ns.str() << ")";
          }
          // Messages from the ONNX lowering start with "(OpType, opset N): ".
          std::string body = os.str();
          bool hasOp = !body.empty() && body[0] == '(';
          text += "error: " + where + (where.empty() ? "" : hasOp ? " " : ": ") + body + "\n";
          return success();
        }) {}
};

std::string printIR(Operation *op) {
  std::string s;
  llvm::raw_string_ostream os(s);
  op->print(os);
  return os.str();
}

} // namespace

/// "needs N bytes of RAM, M over the limit" plus the three largest
/// contributors: arena buffers live at the peak call, or the largest weights.
static std::string budgetError(const llvm::json::Value &report, const char *what, const char *part, int64_t need,
                               int64_t limit, const char *flag) {
  const llvm::json::Array &layers = *report.getAsObject()->getArray("layers");
  struct Item {
    std::string layer;
    int64_t bytes;
  };
  std::vector<Item> items;
  if (std::string(what) == "RAM") {
    // The call where the planned live buffers are largest, and what is live there.
    int64_t peakAt = 0, peak = -1;
    for (size_t x = 0; x < layers.size(); ++x) {
      int64_t live = 0;
      for (const auto &l : layers)
        for (const auto &o : *l.getAsObject()->getArray("outputs"))
          if (auto first = o.getAsObject()->getInteger("first"))
            if (*first <= (int64_t)x && (int64_t)x <= *o.getAsObject()->getInteger("last"))
              live += *o.getAsObject()->getInteger("bytes");
      if (live > peak)
        peak = live, peakAt = x;
    }
    for (const auto &l : layers)
      for (const auto &o : *l.getAsObject()->getArray("outputs"))
        if (auto first = o.getAsObject()->getInteger("first"))
          if (*first <= peakAt && peakAt <= *o.getAsObject()->getInteger("last"))
            items.push_back({l.getAsObject()->getString("node")->str() + "' (" +
                                 l.getAsObject()->getString("op")->str() + ") output",
                             *o.getAsObject()->getInteger("bytes")});
  } else {
    for (const auto &l : layers)
      if (int64_t wb = *l.getAsObject()->getInteger("weight_bytes"))
        items.push_back({l.getAsObject()->getString("node")->str() + "' (" + l.getAsObject()->getString("op")->str() +
                             ") weights",
                         wb});
  }
  std::stable_sort(items.begin(), items.end(), [](const Item &a, const Item &b) { return a.bytes > b.bytes; });
  std::string msg = "error: the model needs " + std::to_string(need) + " bytes of " + what + " (" + part + "), " +
                    std::to_string(need - limit) + " more than " + flag + " " + std::to_string(limit) +
                    "; the largest contributors:\n";
  for (size_t i = 0; i < items.size() && i < 3; ++i)
    msg += "error:   layer '" + items[i].layer + ": " + std::to_string(items[i].bytes) + " bytes\n";
  msg += std::string("error: a smaller input shape, fewer channels or int8 weights would reduce it\n");
  return msg;
}

static void setupContext(MLIRContext &ctx) {
  DialectRegistry registry;
  registerEmlcDialects(registry);
  ctx.appendDialectRegistry(registry);
  ctx.loadAllAvailableDialects();
}

static bool finishCompile(ModuleOp module, const CompileOptions &opts, const std::string &optimize,
                          DiagnosticCollector &diags, std::chrono::steady_clock::time_point start, CompileResult &r);

CompileResult compileModel(const CompileOptions &opts) {
  auto start = std::chrono::steady_clock::now();
  CompileResult r;
  if (!lookupTarget(opts.target)) {
    std::string names;
    for (const auto &t : allTargets())
      names += (names.empty() ? "" : ", ") + t.name;
    r.error = "error: unknown target '" + opts.target + "' (known: " + names + ")\n";
    return r;
  }
  MLIRContext ctx;
  setupContext(ctx);
  DiagnosticCollector diags(ctx);
  ImportOptions io;
  io.inputShapes = opts.inputShapes;
  io.inputValues = opts.inputValues;
  ImportResult imp = importONNXFile(opts.modelPath, ctx, io);
  r.warnings = imp.warnings;
  if (!imp.module) {
    r.error = "error: " + imp.error + "\n";
    return r;
  }
  ModuleOp module = *imp.module;
  if (opts.emit == "onnx") {
    r.irText = printIR(module);
    r.ok = true;
    return r;
  }
  PassManager pm(&ctx);
  buildONNXToNNPipeline(pm);
  if (failed(pm.run(module))) {
    r.error = diags.text.empty() ? "error: lowering to the nn dialect failed\n" : diags.text;
    return r;
  }
  // A quantized model whose ops leave the integers somewhere (no int8 kernel
  // for them) still works, but slower and with float code: say which ops.
  auto floatIslands = [&] {
    std::map<std::string, int> ops;
    module.walk([&](quant::QuantizeCastOp q) {
      if (Operation *def = q.getArg().getDefiningOp())
        ops[def->getName().getStringRef().str()]++;
    });
    if (ops.empty())
      return;
    std::string list;
    for (const auto &[name, n] : ops)
      list += (list.empty() ? "" : ", ") + name + " x" + std::to_string(n);
    r.warnings.push_back("these ops run in float between int8 ones (no int8 kernel for them yet): " + list);
  };
  if (opts.quantize == "int8") {
    PTQOptions q;
    q.calibrationPath = opts.calibrationPath;
    q.method = opts.calibrationMethod;
    q.int8IO = opts.int8IO;
    q.progress = opts.progress;
    PTQResult qr;
    if (!quantizeModule(module, q, qr)) {
      r.error = "error: --quantize=int8: " + qr.error + "\n";
      return r;
    }
    r.calibrationRuns = qr.samples;
    r.outputSQNR = qr.outputSQNR;
  }
  floatIslands();
  if (opts.emit == "nn") {
    r.irText = printIR(module);
    r.ok = true;
    return r;
  }
  // With a budget, keep the nn module: if the fastest kernels' weight layout
  // (flash) or scratch buffers (RAM) do not fit, the smallest kernels are
  // tried before giving up.
  OwningOpRef<ModuleOp> spare;
  if ((opts.flashLimit >= 0 || opts.ramLimit >= 0) && opts.optimize == "speed" && opts.emit == "c")
    spare = module.clone();
  bool ok = finishCompile(module, opts, opts.optimize, diags, start, r);
  bool over = !ok && spare && (r.flashExceeded || r.ramExceeded);
  if (!ok && !over)
    return r;
  if (over) {
    CompileResult small = r;
    small.error.clear(), small.kernels.clear(), small.flashExceeded = small.ramExceeded = false;
    bool flash = r.flashExceeded;
    int64_t speedBytes = flash ? r.weightBytes : r.arenaBytes;
    finishCompile(*spare, opts, "size", diags, start, small);
    r = std::move(small);
    if (r.ok)
      r.warnings.push_back("the fastest kernels need " + std::to_string(speedBytes) +
                           (flash ? " bytes of weights, over --flash-limit" : " bytes of arena, over --ram-limit") +
                           ": used the smallest kernels (" + std::to_string(flash ? r.weightBytes : r.arenaBytes) +
                           " bytes) instead");
  }
  return r;
}

/// nn -> kernel -> C, report and budgets, for kernels chosen by `optimize`.
static bool finishCompile(ModuleOp module, const CompileOptions &opts, const std::string &optimize,
                          DiagnosticCollector &diags, std::chrono::steady_clock::time_point start, CompileResult &r) {
  PassManager pm2(module.getContext());
  PipelineOptions po;
  po.target = opts.target;
  po.optimize = optimize;
  r.optimize = optimize;
  buildNNToKernelPipeline(pm2, po);
  if (failed(pm2.run(module))) {
    r.error = diags.text.empty() ? "error: lowering to kernels failed\n" : diags.text;
    return false;
  }
  if (auto a = module->getAttrOfType<IntegerAttr>("emlc.arena_size"))
    r.arenaBytes = a.getInt();
  module.walk([&](kernel::CallOp c) {
    if (!llvm::is_contained(r.kernels, c.getCallee().str()))
      r.kernels.push_back(c.getCallee().str());
  });
  if (opts.emit == "kernel") {
    r.irText = printIR(module);
    r.ok = true;
    return true;
  }
  EmitOptions eo;
  eo.name = opts.name;
  eo.sourceName = opts.modelPath.substr(opts.modelPath.find_last_of('/') + 1);
  std::string err;
  if (!emitC(module, eo, r.files, err)) {
    r.error = "error: " + err + "\n";
    return false;
  }
  ReportInputs ri{opts.modelPath, opts.name,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
  llvm::json::Value report = buildReport(module, ri);
  if (opts.quantize == "int8") {
    llvm::json::Array sq;
    for (double d : r.outputSQNR)
      sq.push_back(std::round(d * 100) / 100);
    (*report.getAsObject())["quantization"] =
        llvm::json::Object{{"mode", "int8 post-training"},
                           {"calibration_method", opts.calibrationMethod},
                           {"calibration_runs", r.calibrationRuns},
                           {"io", opts.int8IO ? "int8" : "float"},
                           {"output_sqnr_db", std::move(sq)}};
  }
  const llvm::json::Object *totals = report.getAsObject()->getObject("totals");
  r.weightBytes = *totals->getInteger("weight_bytes");
  r.arenaLowerBound = *totals->getInteger("arena_lower_bound_bytes");
  r.macs = *totals->getInteger("macs");
  r.codeBytes = *totals->getInteger("code_bytes_estimate");
  llvm::raw_string_ostream os(r.reportJson);
  os << llvm::formatv("{0:2}", report) << "\n";
  os.flush();
  r.arenaSVG = renderArenaSVG(report);
  if (opts.ramLimit >= 0 && r.arenaBytes > opts.ramLimit) {
    r.error = budgetError(report, "RAM", "arena", r.arenaBytes, opts.ramLimit, "--ram-limit");
    r.ramExceeded = true;
    return false;
  }
  if (opts.flashLimit >= 0 && r.weightBytes > opts.flashLimit) {
    r.error = budgetError(report, "flash", "weights", r.weightBytes, opts.flashLimit, "--flash-limit");
    r.flashExceeded = true;
    return false;
  }
  r.ok = true;
  return true;
}

/// How a model is quantized, from its op types: QOperator, QDQ, float with
/// integer weights, or float; with the activation storage types QuantizeLinear
/// produces (from its zero point's type).
static std::string describeQuantization(const ::onnx::GraphProto &g, const std::map<std::string, int> &counts) {
  auto has = [&](const char *op) { return counts.count(op) > 0; };
  std::set<std::string> activations;
  std::map<std::string, int32_t> initType;
  for (const auto &t : g.initializer())
    initType[t.name()] = t.data_type();
  for (const auto &n : g.node())
    if (n.op_type() == "Constant" && n.output_size() == 1)
      for (const auto &a : n.attribute())
        if (a.name() == "value" && a.has_t())
          initType[n.output(0)] = a.t().data_type();
  for (const auto &n : g.node())
    if (n.op_type() == "QuantizeLinear" || n.op_type() == "QLinearConv" || n.op_type() == "QLinearMatMul") {
      size_t zp = n.op_type() == "QuantizeLinear" ? 2 : 7;
      int32_t t = zp < (size_t)n.input_size() && initType.count(n.input(zp)) ? initType[n.input(zp)] : 2;
      activations.insert(t == 3 ? "int8" : t == 2 ? "uint8" : "other");
    }
  std::string acts;
  for (const auto &a : activations)
    acts += (acts.empty() ? "" : "+") + a;
  if (has("QLinearConv") || has("QLinearMatMul") || has("MatMulInteger") || has("ConvInteger"))
    return "QOperator (" + (acts.empty() ? std::string("integer") : acts) + " activations)";
  if (has("QuantizeLinear"))
    return "QDQ (" + acts + " activations)";
  if (has("DequantizeLinear"))
    return "float with integer weights (DequantizeLinear of constants)";
  return "float (quantize it with --quantize=int8 --calibration DATA)";
}

InspectResult inspectModel(const std::string &path, const std::map<std::string, std::vector<int64_t>> &shapes) {
  InspectResult r;
  MLIRContext ctx;
  setupContext(ctx);
  DiagnosticCollector diags(ctx);
  // Every node whose op type emlc has no op for, not only the first.
  {
    std::ifstream f(path, std::ios::binary);
    ::onnx::ModelProto model;
    if (f && model.ParseFromIstream(&f)) {
      std::map<std::string, int> counts;
      for (const auto &n : model.graph().node()) {
        counts[n.op_type()]++;
        std::string m = "onnx." + onnx::mnemonicFor(n.op_type());
        bool known = n.op_type() == "Constant" || n.op_type() == "Upsample" ||
                     RegisteredOperationName::lookup(m, &ctx).has_value();
        if (!known || (!n.domain().empty() && n.domain() != "ai.onnx"))
          r.unsupported.push_back({n.name().empty() ? (n.output_size() ? n.output(0) : "?") : n.name(),
                                   (n.domain().empty() ? "" : n.domain() + ".") + n.op_type()});
      }
      r.opCounts.assign(counts.begin(), counts.end());
      r.quantization = describeQuantization(model.graph(), counts);
    }
  }
  ImportOptions io;
  io.inputShapes = shapes;
  ImportResult imp = importONNXFile(path, ctx, io);
  r.warnings = imp.warnings;
  r.opset = imp.opset;
  if (!imp.module) {
    r.error = "error: " + imp.error + "\n";
    return r;
  }
  ModuleOp module = *imp.module;
  auto fn = module.lookupSymbol<func::FuncOp>("main");
  auto describe = [](const std::string &name, Type t) {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << name << ": " << t;
    return os.str();
  };
  for (unsigned i = 0; i < fn.getNumArguments(); ++i)
    r.inputs.push_back(describe(fn.getArgAttrOfType<StringAttr>(i, "emlc.name").str(), fn.getArgument(i).getType()));
  for (unsigned i = 0; i < fn.getNumResults(); ++i)
    r.outputs.push_back(describe(fn.getResultAttrOfType<StringAttr>(i, "emlc.name").str(), fn.getResultTypes()[i]));
  PassManager pm(&ctx);
  buildONNXToNNPipeline(pm);
  if (failed(pm.run(module))) {
    r.error = diags.text;
    return r;
  }
  module.walk([&](Operation *op) {
    r.macs += nn::countMACs(op);
    if (auto c = llvm::dyn_cast<arith::ConstantOp>(op))
      if (!c->use_empty())
        r.parameters += llvm::cast<ShapedType>(c.getType()).getNumElements();
  });
  r.ok = true;
  return r;
}

} // namespace emlc
