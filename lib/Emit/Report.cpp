//===- Report.cpp - the machine-readable compile report ----------------------===//
//
// Reads the planned kernel-level module only: every number in the report is
// a property of the code that was emitted.
//
//===----------------------------------------------------------------------===//

#include "emlc/Emit/Report.h"
#include "dialects/Kernel/KernelDialect.h"
#include "emlc/Transforms/ArenaLiveness.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "targets/Target.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallSet.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/raw_ostream.h"
#include <cmath>
#include <optional>

using namespace mlir;

namespace emlc {
namespace {

std::string dtype(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t;
  return os.str();
}

llvm::json::Array shapeOf(MemRefType t) {
  llvm::json::Array a;
  for (int64_t d : t.getShape())
    a.push_back(d);
  return a;
}

} // namespace

std::vector<int64_t> arenaLivePerCall(const LowerBoundGraph &g, size_t reachBits) {
  size_t n = g.reads.size(), m = g.bytes.size();
  // Producers and consumers of every buffer, by call index.
  std::vector<std::vector<size_t>> producers(m), consumers(m);
  for (size_t i = 0; i < n; ++i) {
    for (size_t a : g.writes[i])
      producers[a].push_back(i);
    for (size_t a : g.reads[i])
      consumers[a].push_back(i);
  }
  // Data dependences p -> i: i reads a buffer an earlier call p writes.
  std::vector<std::vector<size_t>> preds(n), succs(n);
  for (size_t i = 0; i < n; ++i)
    for (size_t a : g.reads[i])
      for (size_t p : producers[a])
        if (p < i) {
          preds[i].push_back(p);
          succs[p].push_back(i);
        }
  // What call x itself touches.
  std::vector<int64_t> live(n, 0);
  for (size_t x = 0; x < n; ++x) {
    llvm::SmallSet<size_t, 8> touched;
    for (const auto *list : {&g.reads[x], &g.writes[x]})
      for (size_t a : *list)
        if (touched.insert(a).second)
          live[x] += g.bytes[a];
    // An elementwise op may write over an input whose only consumer it is.
    if (g.elementwise[x] && g.writes[x].size() == 1) {
      size_t out = g.writes[x][0];
      for (size_t a : g.reads[x])
        if (a != out && g.bytes[a] == g.bytes[out] && consumers[a].size() == 1) {
          live[x] -= g.bytes[out];
          break;
        }
    }
  }
  // Plus every buffer produced before x and still needed after x in every order (a producer is an ancestor
  // of x, x an ancestor of a consumer). Ancestry is answered for a block of x at a time: anc[i] holds the
  // block's calls that precede i, desc[i] the block's calls that i precedes.
  size_t block = std::max<size_t>(64, std::min<size_t>(n, reachBits / std::max<size_t>(n, 1)) / 64 * 64);
  size_t words = block / 64;
  std::vector<uint64_t> anc, desc, before(words), after(words);
  auto touches = [&](size_t x, size_t buf) {
    return llvm::is_contained(g.reads[x], buf) || llvm::is_contained(g.writes[x], buf);
  };
  // A buffer can only be live across x when its first producer < x < its last consumer.
  std::vector<size_t> lo(m, n), hi(m, 0);
  for (size_t b = 0; b < m; ++b) {
    for (size_t p : producers[b])
      lo[b] = std::min(lo[b], p);
    for (size_t c : consumers[b])
      hi[b] = std::max(hi[b], c);
  }
  std::vector<size_t> relevant;
  for (size_t x0 = 0; x0 < n; x0 += block) {
    size_t x1 = std::min(n, x0 + block);
    // The buffers that may be live across a call of the block, and the calls whose ancestry they ask about:
    // a chain's buffers never are, so its blocks cost nothing.
    relevant.clear();
    size_t rowLo = x0, rowHi = x1;
    for (size_t b = 0; b < m; ++b)
      if (std::max(x0, lo[b] + 1) < std::min(x1, hi[b])) { // some x of the block has lo < x < hi
        relevant.push_back(b);
        rowLo = std::min(rowLo, lo[b]);
        rowHi = std::max(rowHi, hi[b] + 1);
      }
    if (relevant.empty())
      continue;
    // anc rows [x0, rowHi) and desc rows [rowLo, x1) are computed; rows outside them are never read.
    anc.assign((rowHi - x0) * words, 0);
    desc.assign((x1 - rowLo) * words, 0);
    auto ancRow = [&](size_t i) { return anc.data() + (i - x0) * words; };
    auto descRow = [&](size_t i) { return desc.data() + (i - rowLo) * words; };
    auto inBlock = [&](size_t i) { return i >= x0 && i < x1; };
    for (size_t i = x0; i < rowHi; ++i)
      for (size_t p : preds[i]) {
        if (p < x0)
          continue; // no call of the block precedes p
        uint64_t *r = ancRow(i), *q = ancRow(p);
        for (size_t w = 0; w < words; ++w)
          r[w] |= q[w];
        if (inBlock(p))
          r[(p - x0) / 64] |= uint64_t(1) << ((p - x0) % 64);
      }
    for (size_t i = x1; i-- > rowLo;)
      for (size_t s : succs[i]) {
        if (s >= x1)
          continue; // s precedes no call of the block
        uint64_t *r = descRow(i), *q = descRow(s);
        for (size_t w = 0; w < words; ++w)
          r[w] |= q[w];
        if (inBlock(s))
          r[(s - x0) / 64] |= uint64_t(1) << ((s - x0) % 64);
      }
    for (size_t b : relevant) {
      std::fill(before.begin(), before.end(), 0);
      std::fill(after.begin(), after.end(), 0);
      for (size_t p : producers[b])
        if (p < x1) // a later producer precedes no call of the block
          for (size_t w = 0; w < words; ++w)
            before[w] |= descRow(p)[w];
      for (size_t c : consumers[b])
        if (c > x0) // an earlier consumer follows no call of the block
          for (size_t w = 0; w < words; ++w)
            after[w] |= ancRow(c)[w];
      for (size_t w = 0; w < words; ++w)
        for (uint64_t bits = before[w] & after[w]; bits; bits &= bits - 1) {
          size_t x = x0 + w * 64 + llvm::countr_zero(bits);
          if (!touches(x, b))
            live[x] += g.bytes[b];
        }
    }
  }
  return live;
}

int64_t arenaLowerBound(const LowerBoundGraph &g, size_t reachBits) {
  int64_t bound = 0;
  for (int64_t l : arenaLivePerCall(g, reachBits))
    bound = std::max(bound, l);
  return bound;
}

namespace {
int64_t lowerBound(const ArenaLiveness &live) {
  LowerBoundGraph g;
  g.reads = live.reads;
  g.writes = live.writes;
  for (kernel::CallOp c : live.calls) {
    auto layer = c->getAttrOfType<StringAttr>("emlc.layer");
    g.elementwise.push_back(layer && (layer.getValue() == "nn.unary" || layer.getValue() == "nn.binary"));
  }
  for (size_t a = 0; a < live.allocs.size(); ++a)
    g.bytes.push_back(live.bytes(a));
  return arenaLowerBound(g);
}
} // namespace

int64_t arenaLowerBound(ModuleOp module) {
  auto fn = module.lookupSymbol<func::FuncOp>("main");
  return fn ? lowerBound(ArenaLiveness(fn)) : 0;
}

/// Fitted on emitted models compiled with clang -Os for Cortex-M4 and RV32:
/// the run function's frame, and the argument set-up of one kernel call.
constexpr int64_t kRunFunctionBytes = 64, kBytesPerCall = 40;

/// The post-training quantization summary emlc-quantize records on the module
/// (`emlc.quantization`), SQNR rounded to 0.01 dB.
static std::optional<llvm::json::Object> quantizationSummary(ModuleOp module) {
  auto q = module->getAttrOfType<DictionaryAttr>("emlc.quantization");
  if (!q)
    return std::nullopt;
  auto text = [&](StringRef key) {
    auto s = q.getAs<StringAttr>(key);
    return s ? s.getValue().str() : std::string();
  };
  llvm::json::Array sqnr;
  if (auto a = q.getAs<ArrayAttr>("output_sqnr_db"))
    for (auto d : a.getAsRange<FloatAttr>())
      sqnr.push_back(std::round(d.getValueAsDouble() * 100) / 100);
  auto runs = q.getAs<IntegerAttr>("calibration_runs");
  llvm::json::Object summary{{"mode", text("mode")},
                             {"calibration_method", text("calibration_method")},
                             {"calibration_runs", runs ? runs.getInt() : 0},
                             {"io", text("io")},
                             {"weight_precision", text("precision")},
                             {"output_sqnr_db", std::move(sqnr)}};
  for (StringRef key : {"int16_arena_limit", "int16_arena_estimate"})
    if (auto a = q.getAs<IntegerAttr>(key))
      summary[key] = a.getInt();
  return summary;
}

/// What emlc-prune recorded on the module (`emlc.pruning`): MACs and
/// parameters before and after, and each group's kept channels.
static std::optional<llvm::json::Object> pruningSection(ModuleOp module) {
  auto p = module->getAttrOfType<DictionaryAttr>("emlc.pruning");
  if (!p)
    return std::nullopt;
  llvm::json::Object out;
  for (NamedAttribute a : p) {
    if (auto b = llvm::dyn_cast<BoolAttr>(a.getValue()))
      out[a.getName().str()] = b.getValue();
    else if (auto i = llvm::dyn_cast<IntegerAttr>(a.getValue()))
      out[a.getName().str()] = i.getInt();
    else if (auto f = llvm::dyn_cast<FloatAttr>(a.getValue()))
      out[a.getName().str()] = std::round(f.getValueAsDouble() * 100) / 100;
    else if (auto s = llvm::dyn_cast<StringAttr>(a.getValue()))
      out[a.getName().str()] = s.str();
  }
  llvm::json::Array groups, frozen;
  for (auto g : p.getAs<ArrayAttr>("groups").getAsRange<DictionaryAttr>())
    groups.push_back(llvm::json::Object{{"name", g.getAs<StringAttr>("name").str()},
                                        {"channels", g.getAs<IntegerAttr>("channels").getInt()},
                                        {"kept", g.getAs<IntegerAttr>("kept").getInt()}});
  for (auto f : p.getAs<ArrayAttr>("frozen").getAsRange<StringAttr>())
    frozen.push_back(f.str());
  out["groups"] = std::move(groups);
  out["frozen"] = std::move(frozen);
  return out;
}

/// Sets each layer's "live_bytes" (every arena buffer counts from its first to its last call), by a running
/// sum: linear in calls and buffers. Returns the peak call (-1 without calls) and its bytes in `peakLive`.
static int64_t annotateLiveBytes(const ArenaLiveness &g, llvm::json::Array &layers, int64_t &peakLive) {
  std::vector<int64_t> live(g.calls.size() + 1, 0);
  for (size_t a = 0; a < g.allocs.size(); ++a)
    if (g.first[a] >= 0 && g.last[a] >= g.first[a] && (size_t)g.last[a] < g.calls.size())
      live[g.first[a]] += g.bytes(a), live[g.last[a] + 1] -= g.bytes(a);
  int64_t peakCall = -1;
  peakLive = 0;
  for (size_t i = 0; i < g.calls.size() && i < layers.size(); ++i) {
    if (i > 0)
      live[i] += live[i - 1];
    (*layers[i].getAsObject())["live_bytes"] = live[i];
    if (live[i] > peakLive)
      peakLive = live[i], peakCall = (int64_t)i;
  }
  return peakCall;
}

llvm::json::Value buildReport(ModuleOp module, const ReportInputs &in) {
  auto fn = module.lookupSymbol<func::FuncOp>("main");
  ArenaLiveness g(fn);
  unsigned numInputs = fn->getAttrOfType<IntegerAttr>("emlc.num_inputs").getInt();
  DenseMap<Value, std::string> globalOf;
  int64_t weightBytes = 0;
  DenseMap<StringRef, int64_t> globalBytes;
  for (auto gl : module.getOps<memref::GlobalOp>()) {
    globalBytes[gl.getSymName()] = kernel::bufferBytes(gl.getType());
    weightBytes += kernel::bufferBytes(gl.getType());
  }
  fn.walk([&](memref::GetGlobalOp gg) { globalOf[gg.getResult()] = gg.getName().str(); });

  llvm::json::Array layers, inputs, outputs;
  // json::Value moves are not noexcept: a growing vector copies every layer object, so size it once.
  layers.reserve(g.calls.size());
  int64_t macs = 0, intermediates = 0, instructionsEstimate = 0, uncostedMacLayers = 0;
  const TargetInfo *target = kernel::getTarget(module); // cost model and code size ISA
  // Milliseconds from instructions: the core's cycles per instruction at the device's clock.
  double msPerInstruction = target && in.clockMHz > 0 ? target->cyclesPerInstruction / (in.clockMHz * 1e3) : 0.0;
  for (size_t a = 0; a < g.allocs.size(); ++a)
    if (g.first[a] >= 0)
      intermediates += g.bytes(a);
  std::vector<std::string> kernelNames;
  for (size_t i = 0; i < g.calls.size(); ++i) {
    kernel::CallOp c = g.calls[i];
    int64_t m = 0, wb = 0;
    if (auto a = c->getAttrOfType<IntegerAttr>("emlc.macs"))
      m = a.getInt();
    macs += m;
    for (Value v : c.getIns()) {
      // A weight may reach the call through views or casts of its global (the size kernels' layouts).
      while (v && !globalOf.count(v) && v.getDefiningOp() && v.getDefiningOp()->getNumOperands() > 0 &&
             !llvm::isa<kernel::CallOp>(v.getDefiningOp()))
        v = v.getDefiningOp()->getOperand(0);
      if (auto it = globalOf.find(v); it != globalOf.end())
        wb += globalBytes[it->second];
    }
    llvm::json::Array outs;
    for (Value v : c.getOuts()) {
      auto t = llvm::cast<MemRefType>(v.getType());
      llvm::json::Object o{
          {"shape", shapeOf(t)}, {"dtype", dtype(t.getElementType())}, {"bytes", kernel::bufferBytes(t)}};
      if (auto a = g.allocOf(v)) {
        o["buffer"] = "arena";
        int64_t inside = 0; // a slice view (a Concat input written in place) starts inside its alloc
        for (auto view = v.getDefiningOp<kernel::ViewOp>(); view;
             view = view.getSource().getDefiningOp<kernel::ViewOp>())
          inside += view.getOffset().value_or(0);
        o["offset"] = g.allocs[*a].getOffset().value_or(0) + inside;
        o["first"] = g.first[*a];
        o["last"] = g.last[*a];
        // Live only during its own call: the kernel's scratch (an im2col column, a padded copy).
        o["role"] = g.first[*a] == g.last[*a] ? "scratch" : "output";
      } else {
        o["buffer"] = "output";
      }
      outs.push_back(std::move(o));
    }
    std::string node;
    if (auto nl = llvm::dyn_cast<NameLoc>(c.getLoc()))
      node = nl.getName().str();
    std::string layer;
    if (auto l = c->getAttrOfType<StringAttr>("emlc.layer"))
      layer = l.getValue().str();
    if (!llvm::is_contained(kernelNames, c.getCallee().str()))
      kernelNames.push_back(c.getCallee().str());
    llvm::json::Object entry{{"index", (int64_t)i},           {"node", node}, {"op", layer},
                             {"kernel", c.getCallee().str()}, {"macs", m},    {"weight_bytes", wb},
                             {"outputs", std::move(outs)}};
    if (auto q = c->getAttrOfType<DictionaryAttr>("emlc.quant")) {
      llvm::json::Object quant;
      for (NamedAttribute part : q) {
        auto d = llvm::cast<DictionaryAttr>(part.getValue());
        llvm::json::Array scales, zps;
        for (float f : d.getAs<DenseF32ArrayAttr>("scale").asArrayRef())
          scales.push_back((double)f);
        for (int64_t z : d.getAs<DenseI64ArrayAttr>("zero_point").asArrayRef())
          zps.push_back(z);
        quant[part.getName().str()] = llvm::json::Object{{"scale", std::move(scales)}, {"zero_point", std::move(zps)}};
      }
      entry["quantization"] = std::move(quant);
    }
    if (auto sq = c->getAttrOfType<FloatAttr>("emlc.sqnr"))
      entry["sqnr_db"] = std::round(sq.getValueAsDouble() * 100) / 100;
    // Mixed precision: weights narrower than int8, and the search's estimate.
    if (auto p = c->getAttrOfType<StringAttr>("emlc.weight_precision"))
      entry["weight_precision"] = p.str();
    if (auto a = c->getAttrOfType<IntegerAttr>("emlc.activation_bits"))
      entry["activation_bits"] = a.getInt();
    if (auto sq = c->getAttrOfType<FloatAttr>("emlc.predicted_sqnr"))
      entry["predicted_sqnr_db"] = std::round(sq.getValueAsDouble() * 100) / 100;
    // The target's cost model (docs/REPORT.md): executed instructions per MAC
    // of this kernel, per element of its output (the last out; a scratch
    // buffer comes first) and per patch element (MACs / output channels of a
    // 4-D NCHW output), or per output element of a kernel without MACs; plus
    // a fixed cost a call.
    if (target && !c.getOuts().empty()) {
      const auto &costs = m > 0 ? target->costPerMac : target->costPerElement;
      int64_t units = m > 0 ? m : llvm::cast<MemRefType>(c.getOuts()[0].getType()).getNumElements();
      auto it = costs.find(c.getCallee().str());
      double perCall = target->callCost(c.getCallee().str());
      if (it != costs.end() || perCall > 0) {
        double est = (it != costs.end() ? it->second * (double)units : 0.0) + perCall;
        auto out = llvm::cast<MemRefType>(c.getOuts().back().getType());
        auto term = [&](const std::map<std::string, double> &perUnit, double n) {
          if (auto p = perUnit.find(c.getCallee().str()); m > 0 && p != perUnit.end())
            est += p->second * n;
        };
        term(target->costPerOutput, (double)out.getNumElements());
        if (out.getRank() == 4 && out.getDimSize(1) > 0)
          term(target->costPerPatch, (double)m / (double)out.getDimSize(1));
        entry["instructions_estimate"] = std::llround(est);
        if (msPerInstruction > 0)
          entry["latency_ms_estimate"] = std::round(std::round(est) * msPerInstruction * 1e4) / 1e4;
        instructionsEstimate += std::llround(est);
      }
      if (m > 0 && it == costs.end())
        ++uncostedMacLayers; // the estimate misses a layer that does real work
    }
    layers.push_back(std::move(entry));
  }
  for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
    auto t = llvm::cast<MemRefType>(fn.getArgument(i).getType());
    std::string name;
    if (auto s = fn.getArgAttrOfType<StringAttr>(i, "emlc.name"))
      name = s.getValue().str();
    llvm::json::Object o{
        {"name", name}, {"shape", shapeOf(t)}, {"dtype", dtype(t.getElementType())}, {"bytes", kernel::bufferBytes(t)}};
    if (auto sc = fn.getArgAttrOfType<FloatAttr>(i, "emlc.scale")) { // an int8 API buffer: real = (q - zp) * scale
      o["scale"] = sc.getValueAsDouble();
      o["zero_point"] = fn.getArgAttrOfType<IntegerAttr>(i, "emlc.zero_point").getInt();
    }
    (i < numInputs ? inputs : outputs).push_back(std::move(o));
  }
  int64_t arena = 0;
  if (auto a = module->getAttrOfType<IntegerAttr>("emlc.arena_size"))
    arena = a.getInt();
  llvm::json::Array kernels;
  for (auto &k : kernelNames)
    kernels.push_back(k);
  // Code size estimate (docs/REPORT.md): measured kernel sizes, the constant
  // tables the calls pass (emitted once each), and the calls themselves.
  std::string isa = target ? target->codeIsa : "thumbv7em";
  int64_t code = kRunFunctionBytes + kBytesPerCall * (int64_t)g.calls.size();
  for (auto &k : kernelNames)
    code += std::max<long>(kernelCodeBytes(k, isa), 0);
  llvm::DenseSet<Attribute> tables;
  for (kernel::CallOp c : g.calls)
    for (Attribute a : c.getArgs())
      if (llvm::isa<DenseI32ArrayAttr, DenseF32ArrayAttr>(a) && tables.insert(a).second)
        code += 4 * std::max<int64_t>(llvm::cast<DenseArrayAttr>(a).size(), 1);
  int64_t peakLive = 0, peakCall = annotateLiveBytes(g, layers, peakLive);
  llvm::json::Object report{
      {"schema", "emlc-report"},
      {"version", 1},
      {"model", in.model},
      {"target", target ? target->name : std::string("generic")},
      {"name", in.name},
      {"compile_seconds", in.compileSeconds},
      {"totals", llvm::json::Object{{"arena_bytes", arena},
                                    {"arena_lower_bound_bytes", lowerBound(g)},
                                    {"intermediate_bytes_sum", intermediates},
                                    {"weight_bytes", weightBytes},
                                    {"macs", macs},
                                    {"kernel_calls", (int64_t)g.calls.size()},
                                    {"code_bytes_estimate", code},
                                    {"code_isa", isa},
                                    {"instructions_estimate", instructionsEstimate},
                                    {"uncosted_mac_layers", uncostedMacLayers},
                                    {"kernels", std::move(kernels)}}},
      {"inputs", std::move(inputs)},
      {"outputs", std::move(outputs)},
      {"layers", std::move(layers)},
  };
  if (peakCall >= 0) {
    llvm::json::Object &totals = *report.getObject("totals");
    totals["peak_live_bytes"] = peakLive;
    totals["peak_call"] = peakCall;
    totals["peak_layer"] = (*report.getArray("layers"))[peakCall].getAsObject()->getString("node")->str();
  }
  if (auto q = quantizationSummary(module))
    report["quantization"] = std::move(*q);
  if (auto p = pruningSection(module))
    report["pruning"] = std::move(*p);
  // Milliseconds only from an estimate that covers every layer with MACs.
  if (msPerInstruction > 0 && instructionsEstimate > 0 && uncostedMacLayers == 0)
    (*report.getObject("totals"))["latency_ms_estimate"] =
        std::round((double)instructionsEstimate * msPerInstruction * 1e4) / 1e4;
  if (!in.device.empty())
    report["device"] = llvm::json::Object{{"name", in.device},
                                          {"clock_mhz", in.clockMHz},
                                          {"ram_budget_bytes", in.ramBudget},
                                          {"flash_budget_bytes", in.flashBudget},
                                          {"flash_needed_bytes", weightBytes + code},
                                          {"cycles_per_instruction", target ? target->cyclesPerInstruction : 0.0},
                                          {"cycles_per_instruction_source", target ? target->cpiSource : ""}};
  return report;
}

/// Model text (node names) inside SVG markup: the five XML specials escaped.
static std::string xmlText(llvm::StringRef text) {
  std::string out;
  for (char ch : text)
    switch (ch) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&apos;";
      break;
    default:
      out += ch;
    }
  return out;
}

std::string renderArenaSVG(const llvm::json::Value &report) {
  const llvm::json::Object &r = *report.getAsObject();
  const llvm::json::Array &layers = *r.getArray("layers");
  int64_t arena = *r.getObject("totals")->getInteger("arena_bytes");
  int64_t bound = *r.getObject("totals")->getInteger("arena_lower_bound_bytes");
  const double left = 70, top = 44, width = 900, height = 480;
  size_t n = std::max<size_t>(layers.size(), 1);
  double colW = width / n, scale = arena ? height / (double)arena : 0;
  std::string out;
  llvm::raw_string_ostream os(out);
  os << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << left + width + 20 << "\" height=\"" << top + height + 60
     << "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  os << "<title>emlc arena: " << xmlText(*r.getString("model")) << "</title>\n";
  os << "<text x=\"" << left << "\" y=\"20\" font-size=\"14\">arena " << arena << " bytes (lower bound " << bound
     << "), " << layers.size() << " kernel calls: boxes are buffers at their offset over their lifetime</text>\n";
  os << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << width << "\" height=\"" << height
     << "\" fill=\"none\" stroke=\"#444\"/>\n";
  const char *palette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7"};
  size_t k = 0;
  for (const auto &lv : layers) {
    const llvm::json::Object &l = *lv.getAsObject();
    for (const auto &ov : *l.getArray("outputs")) {
      const llvm::json::Object &o = *ov.getAsObject();
      if (!o.getInteger("first"))
        continue;
      int64_t first = *o.getInteger("first"), last = *o.getInteger("last");
      int64_t off = *o.getInteger("offset"), bytes = *o.getInteger("bytes");
      double x = left + first * colW, w = (last - first + 1) * colW;
      double y = top + height - (off + bytes) * scale, h = std::max(bytes * scale, 0.5);
      os << "<rect class=\"buffer\" x=\"" << x << "\" y=\"" << y << "\" width=\"" << w << "\" height=\"" << h
         << "\" fill=\"" << palette[k++ % 8] << "\" fill-opacity=\"0.8\" stroke=\"#222\" stroke-width=\"0.5\">"
         << "<title>" << xmlText(*l.getString("node")) << " (" << xmlText(*l.getString("kernel")) << "): " << bytes
         << " bytes at offset " << off << ", calls " << first << "-" << last << "</title></rect>\n";
      // Names on the boxes large enough to hold one (visible when the SVG is rendered to PNG).
      std::string label = l.getString("node")->str();
      if (h >= 12 && w >= 7.0 * std::min<size_t>(label.size(), 4))
        os << "<text x=\"" << x + 3 << "\" y=\"" << y + h / 2 + 4 << "\" font-size=\"10\" fill=\"#000\">"
           << xmlText(llvm::StringRef(label).take_front((size_t)std::max(1.0, (w - 6) / 6.0))) << "</text>\n";
    }
  }
  // The peak: the call with the most live bytes, the layer there, marked by a line across the arena.
  if (auto peak = r.getObject("totals")->getInteger("peak_call")) {
    double x = left + (*peak + 0.5) * colW;
    os << "<line class=\"peak\" x1=\"" << x << "\" y1=\"" << top << "\" x2=\"" << x << "\" y2=\"" << top + height
       << "\" stroke=\"#c00\" stroke-width=\"2\" stroke-dasharray=\"6,3\"/>\n";
    os << "<text class=\"peak\" x=\"" << left
       << "\" y=\"34\" fill=\"#c00\">peak: " << *r.getObject("totals")->getInteger("peak_live_bytes")
       << " bytes live at call " << *peak << ", layer '" << xmlText(*r.getObject("totals")->getString("peak_layer"))
       << "' (" << xmlText(*(*layers[*peak].getAsObject()).getString("kernel")) << ")</text>\n";
  }
  // Axes: offsets on the left, call indices below.
  for (int i = 0; i <= 4; ++i) {
    double y = top + height - i * height / 4;
    os << "<text x=\"" << left - 6 << "\" y=\"" << y + 4 << "\" text-anchor=\"end\">" << (arena * i / 4) << "</text>\n";
  }
  for (size_t i = 0; i < n; i += std::max<size_t>(1, n / 10))
    os << "<text x=\"" << left + (i + 0.5) * colW << "\" y=\"" << top + height + 16 << "\" text-anchor=\"middle\">" << i
       << "</text>\n";
  os << "<text x=\"" << left + width / 2 << "\" y=\"" << top + height + 36
     << "\" text-anchor=\"middle\">kernel call (schedule order)</text>\n";
  os << "</svg>\n";
  return os.str();
}

} // namespace emlc
