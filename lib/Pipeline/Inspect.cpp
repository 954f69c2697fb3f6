//===- Inspect.cpp - what a model is, without compiling it --------------------===//
//
// `emlc inspect`: op counts and the nodes emlc has no op for (all of them, not
// the first), how the model is quantized, its inputs and outputs, MACs and
// parameters after lowering to nn. The estimates for a target or device come
// from a compile (tools/emlc), not from here.
//
//===----------------------------------------------------------------------===//

#include "Diagnostics.h"
#include "dialects/NN/NNDialect.h"
#include "dialects/ONNX/ONNXDialect.h"
#include "emlc/Importer/Importer.h"
#include "emlc/Pipeline/Compiler.h"
#include "emlc/Pipeline/Pipeline.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/raw_ostream.h"
#include <fstream>
#include <onnx/onnx_pb.h>
#include <set>

using namespace mlir;

namespace emlc {

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

InspectResult inspectModel(const std::string &path, const std::map<std::string, std::vector<int64_t>> &shapes,
                           const ResourceLimits &limits) {
  InspectResult r;
  if (std::string tooLarge; !checkModelLimits(path, limits, tooLarge)) {
    r.error = "error: " + tooLarge + "\n";
    return r;
  }
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
    r.error = diags.text();
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
