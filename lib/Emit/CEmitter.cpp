//===- CEmitter.cpp - kernel dialect -> C99 files ----------------------------===//
//
// A mechanical printer: every buffer is a pointer expression (argument,
// weight or arena offset), every kernel.call one C call, every integer table
// one static const array (deduplicated by contents). Kernel sources come from
// the embedded `// @kernel NAME` sections of the target's kernel folders.
//
//===----------------------------------------------------------------------===//

#include "emlc/Emit/CEmitter.h"
#include "dialects/Kernel/KernelDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "targets/KernelSources.h"
#include "targets/Target.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"
#include <cmath>
#include <regex>
#include <set>
#include <sstream>

using namespace mlir;

namespace emlc {
namespace {

/// A C literal that round-trips `v`: float (9 digits, 'f') or double (17).
std::string floatLiteral(double v, bool isDouble = false) {
  if (std::isnan(v))
    return "NAN";
  if (std::isinf(v))
    return v > 0 ? "INFINITY" : "-INFINITY";
  char buf[64];
  snprintf(buf, sizeof buf, isDouble ? "%.17g" : "%.9g", v);
  std::string s = buf;
  if (s.find_first_of(".e") == std::string::npos)
    s += ".0";
  return isDouble ? s : s + "f";
}
std::string intLiteral(const APInt &v, IntegerType t) {
  unsigned w = t.getWidth();
  if (w == 1)
    return v.isZero() ? "0" : "1";
  if (t.isUnsigned()) {
    std::string s = std::to_string(v.getZExtValue());
    return w == 64 ? s + "ULL" : w == 32 ? s + "U" : s;
  }
  int64_t x = v.getSExtValue();
  if (w == 64 && x == INT64_MIN)
    return "INT64_MIN";
  if (w == 32 && x == INT32_MIN)
    return "INT32_MIN";
  std::string s = std::to_string(x);
  return w == 64 ? "INT64_C(" + s + ")" : s;
}

/// Model text (a tensor name, the model's file name) as it may appear inside a C comment or string: printable
/// ASCII kept, everything that could end the comment, splice a line or form a trigraph escaped, so no
/// input changes the meaning of the C ("*/" -> "*\/", "??/" -> "?\?/", a newline -> "\n", bytes -> "\xHH").
std::string commentText(const std::string &text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char ch = (unsigned char)text[i];
    char next = i + 1 < text.size() ? text[i + 1] : 0;
    if (ch == '\\' || ch == '"')
      out += std::string("\\") + (char)ch;
    else if (ch == '\n')
      out += "\\n";
    else if (ch == '\r')
      out += "\\r";
    else if (ch == '\t')
      out += "\\t";
    else if (ch < 0x20 || ch > 0x7e) {
      char buf[8];
      snprintf(buf, sizeof buf, "\\x%02x", ch);
      out += buf;
    } else if ((ch == '*' && next == '/') || (ch == '/' && next == '*') || (ch == '?' && next == '?'))
      out += std::string(1, (char)ch) + "\\"; // "*\/", "/\*" (-Wcomment), "?\?" (no trigraph)
    else
      out += (char)ch;
  }
  return out;
}

/// Names a tensor's parameter must not take: C keywords (C99 and later), the types and object-like macros of
/// the headers the emitted files include (a parameter named uint8_t or NAN breaks the prototype).
bool isReservedName(const std::string &id) {
  static const std::set<std::string> names = {"auto",
                                              "break",
                                              "case",
                                              "char",
                                              "const",
                                              "continue",
                                              "default",
                                              "do",
                                              "double",
                                              "else",
                                              "enum",
                                              "extern",
                                              "float",
                                              "for",
                                              "goto",
                                              "if",
                                              "inline",
                                              "int",
                                              "long",
                                              "register",
                                              "restrict",
                                              "return",
                                              "short",
                                              "signed",
                                              "sizeof",
                                              "static",
                                              "struct",
                                              "switch",
                                              "typedef",
                                              "union",
                                              "unsigned",
                                              "void",
                                              "volatile",
                                              "while",
                                              "asm",
                                              "alignas",
                                              "alignof",
                                              "bool",
                                              "true",
                                              "false",
                                              "nullptr",
                                              "constexpr",
                                              "static_assert",
                                              "thread_local",
                                              "typeof",
                                              "typeof_unqual",
                                              "NULL",
                                              "NAN",
                                              "INFINITY",
                                              "HUGE_VAL",
                                              "HUGE_VALF",
                                              "HUGE_VALL",
                                              "FP_NAN",
                                              "FP_INFINITE",
                                              "FP_ZERO",
                                              "FP_SUBNORMAL",
                                              "FP_NORMAL",
                                              "FP_ILOGB0",
                                              "FP_ILOGBNAN",
                                              "FP_FAST_FMA",
                                              "FP_FAST_FMAF",
                                              "FP_FAST_FMAL",
                                              "MATH_ERRNO",
                                              "MATH_ERREXCEPT",
                                              "math_errhandling",
                                              "float_t",
                                              "double_t",
                                              "size_t",
                                              "ptrdiff_t",
                                              "wchar_t",
                                              "EMLC_WEIGHTS_ATTR",
                                              "errno",
                                              "assert",
                                              "inputs",
                                              "outputs",
                                              "arena"};
  if (names.count(id))
    return true;
  // <stdint.h>: intN_t, uint_leastN_t, intptr_t, ..., and their limits INT8_MAX, UINTPTR_MAX, SIZE_MAX, ...
  static const std::regex stdintName("u?int(8|16|32|64|ptr|max|_least(8|16|32|64)|_fast(8|16|32|64))_t|"
                                     "U?INT(8|16|32|64|PTR|MAX|_LEAST(8|16|32|64)|_FAST(8|16|32|64))_(MAX|MIN|C)|"
                                     "(SIZE|PTRDIFF|SIG_ATOMIC|WCHAR|WINT)_(MAX|MIN)");
  return std::regex_match(id, stdintName);
}

/// A C identifier from an ONNX tensor name ("input_1:0" -> "input_1_0"), distinct from every name in `taken`,
/// from keywords and the headers' names, from reserved forms (_X, __x) and from the API's own PREFIX_* names.
std::string cIdentifier(const std::string &name, std::map<std::string, int> &taken, const std::string &prefix) {
  std::string id;
  for (char ch : name)
    id.push_back(std::isalnum((unsigned char)ch) ? ch : '_');
  // The API's functions and macros (PREFIX_run, PREFIX_ARENA_SIZE, ...), the kernels' (emlc_*, EMLC_*).
  std::string rest = id.rfind(prefix, 0) == 0 ? id.substr(prefix.size()) : std::string("-");
  bool apiName = rest == "run" || rest == "infer" || rest == "arena_storage" || llvm::all_of(rest, [](char c) {
                   return std::isupper((unsigned char)c) || std::isdigit((unsigned char)c) || c == '_';
                 });
  bool reservedForm = id.size() > 1 && id[0] == '_' && (id[1] == '_' || std::isupper((unsigned char)id[1]));
  if (id.empty() || std::isdigit((unsigned char)id[0]) || reservedForm || apiName ||
      llvm::StringRef(id).starts_with_insensitive("emlc_"))
    id = "t_" + id;
  if (isReservedName(id))
    id += "_";
  // `taken` maps each name to the next suffix to try after it, so 100,000 names that sanitize alike stay
  // O(n log n) instead of trying _2, _3, ... each time.
  auto it = taken.find(id);
  if (it == taken.end()) {
    taken[id] = 2;
    return id;
  }
  for (int &k = it->second;; ++k) {
    std::string candidate = id + "_" + std::to_string(k);
    if (!taken.count(candidate)) {
      ++k;
      taken[candidate] = 2;
      return candidate;
    }
  }
}

class Printer {
public:
  Printer(ModuleOp module, const EmitOptions &opts) : module(module), opts(opts), prefix(opts.name + "_") {}
  bool run(EmittedFiles &files, std::string &error);

private:
  ModuleOp module;
  const EmitOptions &opts;
  std::string prefix;
  const std::string &N = opts.name;
  func::FuncOp fn;
  const TargetInfo *target = nullptr;
  int64_t arena = 0;
  unsigned numInputs = 0, numOutputs = 0;
  std::ostringstream decls;      ///< the weights' extern declarations, for NAME.c
  std::ostringstream body;       ///< the calls of NAME_run
  std::vector<std::string> used; ///< kernels called, in first-use order
  std::string wrapperDecl;       ///< NAME_infer's prototype

  bool printWeights(int64_t &weightBytes, std::string &text, std::string &error);
  bool tooLarge(int64_t bytes, std::string &error) const;
  bool printCalls(std::string &error);
  bool collectKernels(const std::map<std::string, const KernelSection *> &sections, std::string &text, size_t &count,
                      std::string &error);
  std::string printSource(const std::string &prelude, const std::string &kernels, size_t count);
  std::string printWrapper();
  std::string printHeader(int64_t weightBytes);
  DenseMap<Value, std::string> exprs;
  std::map<std::string, std::string> tables; ///< contents -> name
  std::vector<std::string> tableDefs;

  std::string table(Attribute a) {
    std::ostringstream body;
    std::string type;
    size_t n = 0;
    if (auto t = llvm::dyn_cast<DenseI32ArrayAttr>(a)) {
      type = "int32_t";
      n = t.size();
      for (size_t i = 0; i < n; ++i)
        body << (i ? ", " : "") << t[i];
    } else {
      auto f = llvm::cast<DenseF32ArrayAttr>(a);
      type = "float";
      n = f.size();
      for (size_t i = 0; i < n; ++i)
        body << (i ? ", " : "") << floatLiteral(f[i]);
    }
    std::string key = type + "{" + body.str() + "}";
    auto it = tables.find(key);
    if (it != tables.end())
      return it->second;
    std::string name = prefix + "t" + std::to_string(tables.size());
    tables[key] = name;
    tableDefs.push_back("static const " + type + " " + name + "[" + std::to_string(std::max<size_t>(n, 1)) + "] = {" +
                        (n ? body.str() : "0") + "};");
    return name;
  }
  std::string scalar(Attribute a) {
    if (auto i = llvm::dyn_cast<IntegerAttr>(a)) {
      if (auto it = llvm::dyn_cast<IntegerType>(i.getType()))
        return intLiteral(i.getValue(), it);
      return std::to_string(i.getInt());
    }
    if (auto f = llvm::dyn_cast<FloatAttr>(a))
      return floatLiteral(f.getValueAsDouble(), f.getType().isF64());
    return table(a);
  }
};

bool Printer::run(EmittedFiles &files, std::string &error) {
  fn = module.lookupSymbol<func::FuncOp>("main");
  if (!fn) {
    error = "no @main function to emit";
    return false;
  }
  // Without a target attribute (IR lowered by hand), the portable kernels.
  target = kernel::getTarget(module);
  if (!target)
    target = lookupTarget("generic");
  if (auto a = module->getAttrOfType<IntegerAttr>("emlc.arena_size"))
    arena = a.getInt();
  numInputs = fn->getAttrOfType<IntegerAttr>("emlc.num_inputs").getInt();
  numOutputs = fn.getNumArguments() - numInputs;
  int64_t weightBytes = 0;
  std::string weights;
  if (!printWeights(weightBytes, weights, error))
    return false;
  if (!printCalls(error))
    return false;
  // Kernel sources, with their helpers, in file order.
  std::string prelude, kernels;
  size_t count = 0;
  if (!collectKernels(kernelSections(target->kernelDirs, prelude), kernels, count, error))
    return false;
  std::string src = printSource(prelude, kernels, count);
  src += printWrapper();
  files[N + ".h"] = printHeader(weightBytes);
  if (tooLarge((int64_t)(weights.size() + src.size() + files[N + ".h"].size()), error))
    return false;
  files[N + ".c"] = std::move(src);
  files[N + "_weights.c"] = std::move(weights);
  return true;
}

/// NAME_weights.c: one const array per weight global; `decls` gets their declarations.
bool Printer::tooLarge(int64_t bytes, std::string &error) const {
  if (opts.maxBytes < 0 || bytes <= opts.maxBytes)
    return false;
  error = "the emitted C is " + std::to_string(bytes) + " bytes (so far), over the limit of " +
          std::to_string(opts.maxBytes) + " bytes; if the model is meant to be this large, raise it with --max-c-size";
  return true;
}

bool Printer::printWeights(int64_t &weightBytes, std::string &text, std::string &error) {
  // Written straight into `text` (raw_string_ostream has no buffer of its own): the weights are the bulk of
  // the C, and an ostringstream's str() would hold them twice.
  text.clear();
  llvm::raw_string_ostream weights(text);
  weights << "/* Generated by emlc from " << commentText(opts.sourceName) << ". Do not edit. */\n"
          << "#include <stdint.h>\n#include <math.h>\n#include \"" << N << ".h\"\n\n"
          << "/* Define EMLC_WEIGHTS_ATTR to place the weights in a memory of your choice, e.g.\n"
          << "   -DEMLC_WEIGHTS_ATTR='__attribute__((section(\".qspi_rodata\")))' */\n"
          << "#ifndef EMLC_WEIGHTS_ATTR\n#define EMLC_WEIGHTS_ATTR\n#endif\n\n";
  for (auto g : module.getOps<memref::GlobalOp>()) {
    auto type = g.getType();
    auto init = llvm::cast<DenseElementsAttr>(*g.getInitialValue());
    std::string ct = kernel::cElementType(type.getElementType()), name = prefix + g.getSymName().str();
    int64_t n = type.getNumElements();
    weightBytes += kernel::bufferBytes(type);
    decls << "extern const " << ct << " " << name << "[" << std::max<int64_t>(n, 1) << "];\n";
    weights << "EMLC_WEIGHTS_ATTR const " << ct << " " << name << "[" << std::max<int64_t>(n, 1) << "] = {";
    int64_t k = 0;
    bool over = false;
    auto sep = [&]() {
      // Checked every 4096 values: the text of a huge weight must not be built only to be refused.
      if (k % 4096 == 0 && tooLarge((int64_t)text.size(), error))
        over = true;
      weights << (k++ % 8 ? " " : "\n  ");
    };
    if (n == 0)
      weights << "0";
    else if (type.getElementType().isF16() || type.getElementType().isBF16()) { // stored as raw bits
      for (const APFloat &v : init.getValues<APFloat>()) {
        if (sep(), over)
          return false;
        weights << v.bitcastToAPInt().getZExtValue() << "U,";
      }
    } else if (type.getElementType().isF32()) { // the common case, without an APFloat per value
      for (float v : init.getValues<float>()) {
        if (sep(), over)
          return false;
        weights << floatLiteral(v) << ",";
      }
    } else if (auto ft = llvm::dyn_cast<FloatType>(type.getElementType())) {
      for (const APFloat &v : init.getValues<APFloat>()) {
        if (sep(), over)
          return false;
        weights << floatLiteral(v.convertToDouble(), ft.isF64()) << ",";
      }
    } else {
      auto it = llvm::cast<IntegerType>(type.getElementType());
      for (const APInt &v : init.getValues<APInt>()) {
        if (sep(), over)
          return false;
        weights << intLiteral(v, it) << ",";
      }
    }
    weights << "\n};\n";
  }
  return !tooLarge((int64_t)text.size(), error);
}

/// NAME_run's body: every buffer as a C expression, every kernel.call one call.
bool Printer::printCalls(std::string &error) {
  for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
    auto t = llvm::cast<MemRefType>(fn.getArgument(i).getType());
    exprs[fn.getArgument(i)] =
        i < numInputs
            ? "((const " + kernel::cElementType(t.getElementType()) + " *)inputs[" + std::to_string(i) + "])"
            : "((" + kernel::cElementType(t.getElementType()) + " *)outputs[" + std::to_string(i - numInputs) + "])";
  }
  std::set<std::string> usedSet;
  bool ok = true;
  fn.walk([&](Operation *op) {
    if (auto g = llvm::dyn_cast<memref::GetGlobalOp>(op)) {
      exprs[g.getResult()] = prefix + g.getName().str();
    } else if (auto a = llvm::dyn_cast<kernel::AllocOp>(op)) {
      exprs[a.getResult()] = "((" + kernel::cElementType(a.getType().getElementType()) + " *)(arena + " +
                             std::to_string(a.getOffset().value_or(0)) + "))";
    } else if (auto v = llvm::dyn_cast<kernel::ViewOp>(op)) {
      std::string source = exprs.lookup(v.getSource()); // copy: inserting may rehash the map
      if (auto off = v.getOffset(); off && *off) {
        std::string t = kernel::cElementType(v.getType().getElementType());
        bool isConst = source.rfind("((const ", 0) == 0;
        source = "((" + std::string(isConst ? "const " : "") + t + " *)((" + (isConst ? "const " : "") + "uint8_t *)" +
                 source + " + " + std::to_string(*off) + "))";
      }
      exprs[v.getResult()] = source;
    } else if (auto c = llvm::dyn_cast<kernel::CallOp>(op)) {
      std::string callee = c.getCallee().str();
      if (usedSet.insert(callee).second)
        used.push_back(callee);
      // The call as the kernel's C prototype takes it (checked by the kernel.call verifier).
      const KernelSignature *sig = kernelSignature(callee, target->kernelDirs);
      if (!sig) {
        c.emitOpError("has no kernel in the folders of target '") << target->name << "'";
        ok = false;
        return;
      }
      body << "  emlc_" << callee << "(";
      size_t param = 0;
      auto arg = [&](const std::string &s) { body << (param++ ? ", " : "") << s; };
      for (Value v : c.getIns())
        arg(exprs[v]);
      for (Value v : c.getOuts())
        arg(exprs[v]);
      for (Attribute a : c.getArgs())
        arg(sig->params[param].pointer ? table(a) : scalar(a));
      body << ");\n";
    } else if (!llvm::isa<func::FuncOp, func::ReturnOp>(op)) {
      op->emitError("cannot be emitted as C");
      ok = false;
    }
  });
  if (!ok)
    error = "the module contains ops the C printer does not know";
  return ok;
}

/// The sections the called kernels need, helpers first.
bool Printer::collectKernels(const std::map<std::string, const KernelSection *> &sections, std::string &text,
                             size_t &count, std::string &error) {
  std::vector<std::string> needed;
  std::set<std::string> seen;
  std::function<bool(const std::string &)> need = [&](const std::string &k) {
    if (seen.count(k))
      return true;
    auto it = sections.find(k);
    if (it == sections.end()) {
      error = "target '" + target->name + "' has no kernel '" + k + "'";
      return false;
    }
    seen.insert(k);
    for (const auto &r : it->second->requires_)
      if (!need(r))
        return false;
    needed.push_back(k);
    return true;
  };
  for (const auto &k : used)
    if (!need(k))
      return false;
  // `needed` is in dependency order (helpers before their users), first use first.
  count = needed.size();
  for (const auto &k : needed)
    text += sections.at(k)->text;
  return true;
}

/// NAME.c up to NAME_run: prelude, kernels, weight declarations, tables, arena, the calls.
std::string Printer::printSource(const std::string &prelude, const std::string &kernels, size_t count) {
  std::ostringstream src;
  src << "/* Generated by emlc from " << commentText(opts.sourceName) << " for target " << target->name
      << ". Do not edit. */\n#include \"" << N << ".h\"\n"
      << prelude << "\n";
  src << "/* ---- kernels (" << count << " sections from targets/" << target->kernelDirs.front() << ") ---- */\n";
  src << kernels;
  src << "\n/* ---- weights (" << N << "_weights.c) ---- */\n" << decls.str();
  src << "\n/* ---- parameter tables ---- */\n";
  for (const auto &t : tableDefs)
    src << t << "\n";
  std::string A = N + "_ARENA";
  src << "\n/* ---- arena: " << arena << " bytes; define " << A << " to a buffer of at least " << N
      << "_ARENA_SIZE bytes (8-byte aligned) to provide it ---- */\n"
      << "#ifndef " << A << "\nstatic union {\n  uint64_t align;\n  uint8_t bytes[" << std::max<int64_t>(arena, 1)
      << "];\n} " << N << "_arena_storage;\n#define " << A << " (" << N << "_arena_storage.bytes)\n#endif\n\n";
  src << "int " << N << "_run(const void *const inputs[], void *const outputs[]) {\n"
      << "  uint8_t *const arena = (uint8_t *)(" << A << ");\n"
      << "  (void)arena;\n"
      << "  if (!inputs || !outputs)\n    return 1;\n";
  for (unsigned i = 0; i < numInputs; ++i)
    src << "  if (!inputs[" << i << "])\n    return 1;\n";
  for (unsigned i = 0; i < numOutputs; ++i)
    src << "  if (!outputs[" << i << "])\n    return 1;\n";
  src << body.str() << "  return 0;\n}\n";
  return src.str();
}

/// NAME_infer: one typed pointer per input and output, named after the tensors.
std::string Printer::printWrapper() {
  std::map<std::string, int> taken{{"inputs", 2}, {"outputs", 2}};
  std::string params, inNames, outNames;
  for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
    auto t = llvm::cast<MemRefType>(fn.getArgument(i).getType());
    std::string onnxName = "arg" + std::to_string(i);
    if (auto n = fn.getArgAttrOfType<StringAttr>(i, "emlc.name"))
      onnxName = n.getValue().str();
    std::string id = cIdentifier(onnxName, taken, prefix);
    bool isIn = i < numInputs;
    params += std::string(params.empty() ? "" : ", ") + (isIn ? "const " : "") +
              kernel::cElementType(t.getElementType()) + " *" + id;
    (isIn ? inNames : outNames) += std::string((isIn ? inNames : outNames).empty() ? "" : ", ") + id;
  }
  wrapperDecl = "int " + N + "_infer(" + (params.empty() ? "void" : params) + ")";
  return "\n" + wrapperDecl + " {\n  const void *const inputs[] = {" + (inNames.empty() ? "0" : inNames) +
         "};\n  void *const outputs[] = {" + (outNames.empty() ? "0" : outNames) + "};\n  return " + N +
         "_run(inputs, outputs);\n}\n";
}

/// NAME.h: the API, sizes and the inputs' and outputs' shapes and grids.
std::string Printer::printHeader(int64_t weightBytes) {
  std::ostringstream hdr;
  std::string guard = N + "_H_";
  for (char &ch : guard)
    ch = (char)std::toupper((unsigned char)ch);
  hdr << "/* Generated by emlc from " << commentText(opts.sourceName) << " for target " << target->name
      << ". Do not edit. */\n"
      << "#ifndef " << guard << "\n#define " << guard
      << "\n\n#include <stdint.h>\n\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
      << "/* Bytes of working memory (one static arena, planned at compile time). */\n"
      << "#define " << N << "_ARENA_SIZE " << arena << "\n"
      << "/* Bytes of constant weights (flash). */\n#define " << N << "_WEIGHTS_SIZE " << weightBytes << "\n"
      << "#define " << N << "_NUM_INPUTS " << numInputs << "\n#define " << N << "_NUM_OUTPUTS " << numOutputs << "\n\n";
  for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
    auto t = llvm::cast<MemRefType>(fn.getArgument(i).getType());
    bool isIn = i < numInputs;
    unsigned k = isIn ? i : i - numInputs;
    std::string onnxName;
    if (auto n = fn.getArgAttrOfType<StringAttr>(i, "emlc.name"))
      onnxName = n.getValue().str();
    std::string dims;
    for (int64_t d : t.getShape())
      dims += "[" + std::to_string(d) + "]";
    hdr << "/* " << (isIn ? "inputs" : "outputs") << "[" << k << "]: \"" << commentText(onnxName) << "\", "
        << kernel::cElementType(t.getElementType()) << dims << " */\n"
        << "#define " << N << (isIn ? "_INPUT_" : "_OUTPUT_") << k << "_COUNT " << t.getNumElements() << "\n";
    if (auto sc = fn.getArgAttrOfType<FloatAttr>(i, "emlc.scale")) {
      // real value = (q - ZERO_POINT) * SCALE
      std::string pre = N + (isIn ? "_INPUT_" : "_OUTPUT_") + std::to_string(k);
      hdr << "#define " << pre << "_SCALE " << floatLiteral(sc.getValueAsDouble(), false) << " /* real = (q - " << pre
          << "_ZERO_POINT) * " << pre << "_SCALE */\n"
          << "#define " << pre << "_ZERO_POINT " << fn.getArgAttrOfType<IntegerAttr>(i, "emlc.zero_point").getInt()
          << "\n";
    }
  }
  hdr << "\n/* Runs one inference. inputs[i] and outputs[i] point to dense C-order\n"
      << "   buffers of the types above. Returns 0 on success, 1 on a NULL buffer. */\n"
      << "int " << N << "_run(const void *const inputs[], void *const outputs[]);\n\n"
      << "/* The same with one typed pointer per input, then per output. */\n"
      << wrapperDecl << ";\n\n"
      << "#ifdef __cplusplus\n}\n#endif\n\n#endif\n";

  return hdr.str();
}
} // namespace

bool emitC(ModuleOp module, const EmitOptions &options, EmittedFiles &files, std::string &error) {
  // The prefix is pasted into every declaration and macro: it must be an identifier (emlc-translate's
  // --emit-c-name is not checked by a CLI parser).
  const std::string &n = options.name;
  if (n.empty() || std::isdigit((unsigned char)n[0]) ||
      !llvm::all_of(n, [](char c) { return std::isalnum((unsigned char)c) || c == '_'; })) {
    error =
        "the C prefix '" + commentText(n) + "' is not a C identifier (letters, digits, _; not starting with a digit)";
    return false;
  }
  Printer p(module, options);
  return p.run(files, error);
}

} // namespace emlc
