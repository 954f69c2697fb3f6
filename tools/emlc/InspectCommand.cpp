//===- InspectCommand.cpp - `emlc inspect`: what a model is, and what it costs on a target ----===//
//
// Without writing code: inputs and outputs (with the int8 API's scale and zero point), op counts,
// parameters, MACs and unsupported ops; with --target/--device the compile's RAM, flash and
// instruction/millisecond estimates against the device's budgets. --json gives the same as one object
// (docs/inspect.schema.json).
//
//===----------------------------------------------------------------------===//

#include "InspectCommand.h"
#include "Options.h"
#include "emlc/Devices/Device.h"
#include "emlc/Pipeline/Compiler.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdint>
#include <cstdlib>
#include <fmt/core.h>
#include <fmt/ranges.h>

namespace {

/// The compile behind the I/O quantization and the estimates: the target's (or the device's) kernels
/// against its budgets; when the model does not fit, compiled again without limits to say by how much.
emlc::CompileResult estimate(const InspectArgs &a, const std::map<std::string, std::vector<int64_t>> &shapes,
                             const emlc::ResourceLimits &limits) {
  emlc::CompileOptions o;
  o.limits = limits;
  o.modelPath = a.model;
  o.target = a.target.empty() ? "generic" : a.target;
  o.inputShapes = shapes;
  o.device = a.device;
  emlc::CompileResult r = emlc::compileModel(o); // as compile --device would (smaller kernels where needed)
  if (r.ramExceeded || r.flashExceeded) {
    o.ramLimit = o.flashLimit = INT64_MAX;
    r = emlc::compileModel(o);
  }
  return r;
}

std::string ioLine(const emlc::CompileResult::IOTensor &t) {
  std::string dims;
  for (int64_t d : t.shape)
    dims += "[" + std::to_string(d) + "]";
  return fmt::format("{} {}: {}{}{}", t.input ? "input " : "output", t.name, t.cType, dims,
                     t.quantized ? fmt::format(", real = (q {} {}) * {:g}", t.zeroPoint < 0 ? '+' : '-',
                                               std::abs(t.zeroPoint), t.scale)
                                 : std::string());
}

void ioJson(llvm::json::OStream &j, const emlc::CompileResult &cr, bool inputs) {
  j.attributeArray(inputs ? "inputs" : "outputs", [&] {
    for (const auto &t : cr.io)
      if (t.input == inputs)
        j.object([&] {
          j.attribute("name", t.name);
          j.attribute("c_type", t.cType);
          j.attributeArray("shape", [&] {
            for (int64_t d : t.shape)
              j.value(d);
          });
          if (t.quantized) {
            j.attribute("scale", t.scale);
            j.attribute("zero_point", t.zeroPoint);
          }
        });
  });
}

int printJson(const InspectArgs &a, const emlc::InspectResult &r, const emlc::CompileResult *cr,
              const emlc::DeviceInfo *d, bool fits) {
  llvm::json::OStream j(llvm::outs(), 2);
  j.object([&] {
    j.attribute("schema", "emlc-inspect");
    j.attribute("version", 1);
    j.attribute("model", a.model);
    j.attribute("opset", r.opset);
    j.attribute("quantization", r.quantization);
    if (cr) {
      ioJson(j, *cr, true);
      ioJson(j, *cr, false);
    }
    j.attributeObject("ops", [&] {
      for (const auto &[op, n] : r.opCounts)
        j.attribute(op, n);
    });
    j.attribute("parameters", r.parameters);
    j.attribute("macs", r.macs);
    j.attributeArray("unsupported", [&] {
      for (const auto &[node, op] : r.unsupported)
        j.object([&] {
          j.attribute("node", node);
          j.attribute("op", op);
        });
    });
    if (!r.error.empty())
      j.attribute("error", r.error);
    if (cr && (!a.target.empty() || d))
      j.attributeObject("estimate", [&] {
        j.attribute("target", cr->target);
        j.attribute("ram_bytes", cr->arenaBytes);
        j.attribute("weight_bytes", cr->weightBytes);
        j.attribute("code_bytes", cr->codeBytes);
        j.attribute("flash_bytes", cr->weightBytes + cr->codeBytes);
        if (cr->instructionsEstimate > 0)
          j.attribute("instructions", cr->instructionsEstimate);
        if (cr->latencyMs >= 0)
          j.attribute("latency_ms", cr->latencyMs);
        if (d) {
          j.attribute("device", d->name);
          j.attribute("clock_mhz", d->clockMHz);
          j.attribute("ram_budget_bytes", d->ramBudget());
          j.attribute("flash_budget_bytes", d->flashBudget());
          j.attribute("fits", fits);
        }
      });
  });
  llvm::outs() << "\n";
  llvm::outs().flush();
  return r.ok && r.unsupported.empty() && fits ? 0 : 1;
}

void printEstimates(const InspectArgs &a, const emlc::CompileResult &r, const emlc::DeviceInfo *d) {
  auto against = [&](int64_t need, int64_t limit) {
    if (!d)
      return std::string();
    return need <= limit ? fmt::format(" of {} (fits)", limit)
                         : fmt::format(" of {}: {} bytes too many", limit, need - limit);
  };
  fmt::print("estimate for {}{}:\n", d ? d->name + " (" + d->target + ")" : r.target,
             d ? fmt::format(" at {} MHz", d->clockMHz) : std::string());
  fmt::print("  RAM (arena):   {:>9} bytes{}\n", r.arenaBytes, against(r.arenaBytes, d ? d->ramBudget() : 0));
  fmt::print("  flash:         {:>9} bytes (weights {} + code {}){}\n", r.weightBytes + r.codeBytes, r.weightBytes,
             r.codeBytes, against(r.weightBytes + r.codeBytes, d ? d->flashBudget() : 0));
  if (r.instructionsEstimate > 0)
    fmt::print("  instructions:  {:>9} (the target's cost model){}\n", r.instructionsEstimate,
               r.latencyMs >= 0 ? fmt::format(", about {:.2f} ms", r.latencyMs) : std::string());
  else
    fmt::print("  instructions:  unknown (target {} has no cost model for its kernels)\n", r.target);
  (void)a;
}
} // namespace

CLI::App *addInspectCommand(CLI::App &app, InspectArgs &a) {
  auto *inspect = app.add_subcommand(
      "inspect", "Show inputs and outputs (with the int8 API's scale and zero point), op counts, parameters,\n"
                 "  MACs and unsupported ops; with --target/--device, RAM, flash and time estimates.\n"
                 "  Example: emlc inspect model.onnx --device nucleo-l4r5zi --json");
  inspect->add_option("model", a.model, "ONNX model file (.onnx)")->required();
  inspect->add_option("--shape", a.shapes, "bind an input's shape, repeatable: --shape input=1x3x32x32")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  inspect
      ->add_option("--target", a.target,
                   "also estimate RAM, flash (weights + code) and instructions for this target, without\n"
                   "  writing code, e.g. --target cortex-m4")
      ->check(emlc::cli::targetName());
  inspect
      ->add_option("--device", a.device,
                   "also estimate RAM, flash and milliseconds on this device against its budgets (exit 1 when\n"
                   "  the model does not fit), e.g. --device nrf52840")
      ->check(emlc::cli::deviceName());
  emlc::cli::addLimitFlags(inspect, a.limits, /*emitsC=*/false);
  inspect->add_flag("--json", a.json,
                    "print everything as one JSON object (docs/inspect.schema.json), e.g. --json > model.json");
  return inspect;
}

int runInspect(const InspectArgs &a) {
  std::map<std::string, std::vector<int64_t>> shapes;
  emlc::ResourceLimits limits;
  if (!emlc::cli::parseShapes(a.shapes, shapes) || !emlc::cli::applyLimitFlags(a.limits, limits))
    return 2;
  emlc::InspectResult r = emlc::inspectModel(a.model, shapes, limits);
  emlc::cli::printWarnings(r.warnings);
  // The compile gives the C API's buffers (and, with a target or device, the estimates).
  emlc::CompileResult cr;
  bool compiled = r.ok && r.unsupported.empty();
  if (compiled) {
    cr = estimate(a, shapes, limits);
    compiled = cr.ok;
  }
  const emlc::DeviceInfo *d = a.device.empty() ? nullptr : emlc::lookupDevice(a.device);
  bool fits = !d || !compiled || (cr.arenaBytes <= d->ramBudget() && cr.weightBytes + cr.codeBytes <= d->flashBudget());
  if (a.json)
    return printJson(a, r, compiled ? &cr : nullptr, d, fits);
  if (!r.opCounts.empty()) {
    fmt::print("model: {}\nopset: {}\nquantization: {}\n", a.model, r.opset, r.quantization);
    if (compiled)
      for (const auto &t : cr.io)
        fmt::print("{}\n", ioLine(t));
    else
      for (const auto &i : r.inputs)
        fmt::print("input  {}\n", i);
    if (!compiled)
      for (const auto &o : r.outputs)
        fmt::print("output {}\n", o);
    fmt::print("ops:\n");
    for (const auto &[op, n] : r.opCounts)
      fmt::print("  {:<24} x{}\n", op, n);
  }
  if (r.ok)
    fmt::print("parameters: {}\nMACs: {}\n", r.parameters, r.macs);
  if (!r.unsupported.empty()) {
    fmt::print("unsupported ops ({}):\n", r.unsupported.size());
    for (const auto &[node, op] : r.unsupported)
      fmt::print("  node '{}': {}\n", node, op);
  }
  if (!r.ok) {
    emlc::cli::printErrors(r.error);
    return 1;
  }
  if (!r.unsupported.empty())
    return 1;
  if (!compiled && (!a.target.empty() || d)) {
    emlc::cli::printErrors(cr.error);
    return 1;
  }
  if (compiled && (!a.target.empty() || d))
    printEstimates(a, cr, d);
  return fits ? 0 : 1;
}
