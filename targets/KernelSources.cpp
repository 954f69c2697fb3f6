//===- KernelSources.cpp - kernel sections and their C prototypes ----------===//

#include "targets/KernelSources.h"
#include "targets/EmbeddedKernels.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include <cctype>
#include <memory>
#include <mutex>
#include <set>

namespace emlc {

namespace {

/// Every folder's sections and prelude, read once from the embedded files.
struct SectionIndex {
  std::map<std::string, std::map<std::string, KernelSection>> byFolder;
  std::map<std::string, std::string> prelude;
};

const SectionIndex &sectionIndex() {
  static const SectionIndex index = [] {
    SectionIndex ix;
    for (unsigned i = 0; i < kNumEmbeddedKernels; ++i) {
      llvm::StringRef path = kEmbeddedKernels[i].path;
      size_t at = path.find("/kernels/");
      if (at == llvm::StringRef::npos)
        continue;
      std::string folder = path.take_front(at).str();
      auto &sections = ix.byFolder[folder];
      if (path.ends_with("prelude.h")) {
        ix.prelude[folder] = kEmbeddedKernels[i].text;
        continue;
      }
      llvm::SmallVector<llvm::StringRef> lines;
      llvm::StringRef(kEmbeddedKernels[i].text).split(lines, '\n');
      KernelSection *cur = nullptr;
      for (llvm::StringRef line : lines) {
        if (line.starts_with("// @kernel ")) {
          std::string name = line.drop_front(11).trim().str();
          // A name defined twice in one folder: the first definition counts.
          cur = sections.count(name) ? nullptr : &sections[name];
          if (cur)
            cur->folder = folder, cur->file = path.str();
          continue;
        }
        if (!cur)
          continue;
        if (line.starts_with("// @requires ")) {
          cur->requires_.push_back(line.drop_front(13).trim().str());
          continue;
        }
        cur->text += line.str() + "\n";
      }
    }
    return ix;
  }();
  return index;
}

} // namespace

std::map<std::string, const KernelSection *> kernelSections(llvm::ArrayRef<std::string> dirs, std::string &prelude) {
  const SectionIndex &ix = sectionIndex();
  std::map<std::string, const KernelSection *> out;
  for (const std::string &dir : dirs) {
    if (prelude.empty())
      if (auto it = ix.prelude.find(dir); it != ix.prelude.end())
        prelude = it->second;
    auto folder = ix.byFolder.find(dir);
    if (folder == ix.byFolder.end())
      continue;
    for (const auto &[name, section] : folder->second) // a more specific folder's section wins
      out.emplace(name, &section);
  }
  return out;
}

std::vector<std::string> kernelFolders() {
  std::vector<std::string> out;
  for (const auto &[folder, sections] : sectionIndex().byFolder)
    out.push_back(folder);
  return out;
}

namespace {

bool isIdent(char c) { return std::isalnum((unsigned char)c) || c == '_'; }

/// The text between the parenthesis at `open` and its match, or npos.
size_t closingParen(llvm::StringRef s, size_t open) {
  int depth = 0;
  for (size_t i = open; i < s.size(); ++i) {
    if (s[i] == '(')
      ++depth;
    else if (s[i] == ')' && --depth == 0)
      return i;
  }
  return llvm::StringRef::npos;
}

/// `text` without /* */ and // comments.
std::string withoutComments(llvm::StringRef text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.substr(i).starts_with("/*")) {
      size_t end = text.find("*/", i + 2);
      i = end == llvm::StringRef::npos ? text.size() : end + 1;
      continue;
    }
    if (text.substr(i).starts_with("//")) {
      size_t end = text.find('\n', i);
      i = end == llvm::StringRef::npos ? text.size() : end - 1;
      continue;
    }
    out += text[i];
  }
  return out;
}

/// Splits at commas outside parentheses.
llvm::SmallVector<std::string> splitTopLevel(llvm::StringRef s) {
  llvm::SmallVector<std::string> out;
  int depth = 0;
  std::string cur;
  for (char c : s) {
    if (c == '(')
      ++depth;
    if (c == ')')
      --depth;
    if (c == ',' && depth == 0) {
      out.push_back(llvm::StringRef(cur).trim().str());
      cur.clear();
      continue;
    }
    cur += c;
  }
  if (!llvm::StringRef(cur).trim().empty())
    out.push_back(llvm::StringRef(cur).trim().str());
  return out;
}

/// "const int8_t *x" -> {int8_t, pointer, const, x}; false if not a parameter.
bool parseParam(llvm::StringRef text, KernelParam &p) {
  std::string s;
  for (char c : text) // "T*x" and "T *x" alike
    s += c == '*' ? std::string(" * ") : std::string(1, c == '\\' || c == '\n' ? ' ' : c);
  llvm::SmallVector<llvm::StringRef> words;
  llvm::StringRef(s).split(words, ' ', -1, /*KeepEmpty=*/false);
  std::vector<std::string> type;
  for (llvm::StringRef w : words) {
    if (w == "const")
      p.isConst = true;
    else if (w == "*")
      p.pointer = true;
    else
      type.push_back(w.str());
  }
  if (type.size() != 2)
    return false;
  p.type = type[0], p.name = type[1];
  return true;
}

/// `#define MACRO(params) body` (continuation lines joined) in `text`.
bool findMacro(llvm::StringRef text, llvm::StringRef macro, std::vector<std::string> &params, std::string &body) {
  std::string key = "#define " + macro.str() + "(";
  size_t at = text.find(key);
  if (at == llvm::StringRef::npos)
    return false;
  size_t open = at + key.size() - 1, close = closingParen(text, open);
  if (close == llvm::StringRef::npos)
    return false;
  for (const std::string &p : splitTopLevel(text.slice(open + 1, close)))
    params.push_back(p);
  size_t end = close;
  while (end < text.size()) { // the macro ends at the first line without a trailing backslash
    size_t nl = text.find('\n', end);
    if (nl == llvm::StringRef::npos) {
      end = text.size();
      break;
    }
    if (text.slice(end, nl).rtrim().ends_with("\\")) {
      end = nl + 1;
      continue;
    }
    end = nl;
    break;
  }
  body = text.slice(close + 1, end).str();
  return true;
}

/// `text` with every identifier in `params` replaced by its argument and `##` pasted.
std::string substitute(llvm::StringRef text, const std::vector<std::string> &params,
                       const llvm::SmallVector<std::string> &args) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (isIdent(text[i]) && (i == 0 || !isIdent(text[i - 1]))) {
      size_t j = i;
      while (j < text.size() && isIdent(text[j]))
        ++j;
      std::string word = text.slice(i, j).str();
      for (size_t k = 0; k < params.size() && k < args.size(); ++k)
        if (params[k] == word)
          word = args[k];
      out += word;
      i = j;
      continue;
    }
    out += text[i++];
  }
  std::string pasted; // "emlc_ ## relu ## _f32" -> "emlc_relu_f32"
  for (size_t i = 0; i < out.size(); ++i) {
    if (out.compare(i, 2, "##") == 0) {
      while (!pasted.empty() && pasted.back() == ' ')
        pasted.pop_back();
      i += 2;
      while (i < out.size() && out[i] == ' ')
        ++i;
      --i;
      continue;
    }
    pasted += out[i];
  }
  return pasted;
}

/// The parameter text of `static ... emlc_NAME(...) {` in `code`, or false.
bool findDefinition(llvm::StringRef code, llvm::StringRef name, std::string &paramText) {
  std::string fn = "emlc_" + name.str();
  for (size_t at = code.find(fn); at != llvm::StringRef::npos; at = code.find(fn, at + 1)) {
    if (at > 0 && isIdent(code[at - 1]))
      continue;
    size_t open = at + fn.size();
    while (open < code.size() && code[open] == ' ')
      ++open;
    if (open >= code.size() || code[open] != '(')
      continue;
    size_t close = closingParen(code, open);
    if (close == llvm::StringRef::npos)
      continue;
    llvm::StringRef after = code.drop_front(close + 1).ltrim(" \t\\\n");
    if (!after.starts_with("{")) // a call or a declaration
      continue;
    paramText = code.slice(open + 1, close).str();
    return true;
  }
  return false;
}

/// A helper section a kernel of `folder` requires: its own folder's, else
/// any other folder's (a target lists the folders it takes helpers from).
const KernelSection *findSection(const std::string &name, const std::string &folder) {
  const SectionIndex &ix = sectionIndex();
  if (auto f = ix.byFolder.find(folder); f != ix.byFolder.end())
    if (auto s = f->second.find(name); s != f->second.end())
      return &s->second;
  for (const auto &[other, sections] : ix.byFolder)
    if (auto s = sections.find(name); s != sections.end())
      return &s->second;
  return nullptr;
}

/// Parses one kernel's prototype: in its section, or from the macro its
/// section invokes (defined in a section it requires).
std::string parseSignature(const std::string &name, const KernelSection &s, KernelSignature &sig) {
  std::string paramText;
  if (!findDefinition(s.text, name, paramText)) {
    // The first line (after comments) that invokes a macro: `EMLC_X(args)`.
    std::string code = withoutComments(s.text);
    llvm::StringRef text;
    for (size_t at = 0; at < code.size();) {
      size_t nl = code.find('\n', at);
      llvm::StringRef line = llvm::StringRef(code).slice(at, nl == std::string::npos ? code.size() : nl).trim();
      if (line.starts_with("EMLC_")) {
        text = llvm::StringRef(code).drop_front(code.find(line.str(), at));
        break;
      }
      at = nl == std::string::npos ? code.size() : nl + 1;
    }
    size_t open = text.find('(');
    if (text.empty() || open == llvm::StringRef::npos)
      return "no 'static void emlc_" + name + "(...) {' and no macro instance in its section";
    llvm::StringRef macro = text.take_front(open);
    size_t close = closingParen(text, open);
    if (close == llvm::StringRef::npos)
      return "unbalanced macro arguments";
    llvm::SmallVector<std::string> args = splitTopLevel(text.slice(open + 1, close));
    std::vector<std::string> params;
    std::string body;
    bool found = false;
    std::vector<std::string> todo = s.requires_;
    std::set<std::string> seen;
    while (!todo.empty() && !found) {
      std::string r = todo.back();
      todo.pop_back();
      const KernelSection *helper = findSection(r, s.folder);
      if (!helper || !seen.insert(r).second)
        continue;
      found = findMacro(helper->text, macro, params, body);
      todo.insert(todo.end(), helper->requires_.begin(), helper->requires_.end());
    }
    if (!found)
      return "macro " + macro.str() + " is not defined in a required section";
    if (!findDefinition(substitute(body, params, args), name, paramText))
      return "macro " + macro.str() + " does not define emlc_" + name;
  }
  for (const std::string &p : splitTopLevel(paramText)) {
    KernelParam kp;
    if (p == "void")
      continue;
    if (!parseParam(p, kp))
      return "cannot read parameter '" + p + "'";
    sig.params.push_back(kp);
  }
  return "";
}

/// Parsed signatures, by folder and kernel name; null where a section is no kernel or does not parse.
struct ABICache {
  std::mutex mutex; // the verifier may run on several functions at once
  std::map<std::pair<std::string, std::string>, std::unique_ptr<KernelSignature>> parsed;
  std::map<std::pair<std::string, std::string>, std::string> problems;
};

ABICache &abiCache() {
  static ABICache cache;
  return cache;
}

/// The signature of `name` as folder `folder` defines it (parsed on first use).
const KernelSignature *folderSignature(const std::string &folder, const std::string &name) {
  const SectionIndex &ix = sectionIndex();
  auto f = ix.byFolder.find(folder);
  if (f == ix.byFolder.end() || llvm::StringRef(name).ends_with("_impl"))
    return nullptr;
  auto s = f->second.find(name);
  if (s == f->second.end())
    return nullptr;
  ABICache &cache = abiCache();
  std::lock_guard<std::mutex> lock(cache.mutex);
  auto key = std::make_pair(folder, name);
  auto it = cache.parsed.find(key);
  if (it == cache.parsed.end()) {
    auto sig = std::make_unique<KernelSignature>();
    sig->folder = folder;
    std::string why = parseSignature(name, s->second, *sig);
    if (!why.empty()) {
      cache.problems[key] = why;
      sig.reset();
    }
    it = cache.parsed.emplace(key, std::move(sig)).first;
  }
  return it->second.get();
}

} // namespace

const KernelSignature *kernelSignature(llvm::StringRef name, llvm::ArrayRef<std::string> dirs) {
  std::vector<std::string> all;
  if (dirs.empty())
    dirs = all = kernelFolders();
  for (const std::string &d : dirs) // the first folder defining it, as the printer takes its section
    if (sectionIndex().byFolder.count(d) && sectionIndex().byFolder.at(d).count(name.str()))
      return folderSignature(d, name.str());
  return nullptr;
}

std::vector<std::string> kernelABIProblems() {
  std::vector<std::string> out;
  for (const auto &[folder, sections] : sectionIndex().byFolder)
    for (const auto &[name, section] : sections)
      if (!llvm::StringRef(name).ends_with("_impl") && !folderSignature(folder, name))
        out.push_back(folder + "/" + name + ": " + abiCache().problems.at({folder, name}));
  return out;
}

} // namespace emlc
