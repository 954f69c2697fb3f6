//===- Options.cpp - option values shared by emlc's subcommands -----------------===//

#include "Options.h"
#include "emlc/Devices/Device.h"
#include "emlc/Support/CLIParsing.h"
#include "emlc/Support/ResourceLimits.h"
#include "targets/Target.h"
#include "llvm/ADT/StringRef.h"
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fmt/core.h>
#include <fmt/ranges.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace emlc::cli {

bool parseShapes(const std::vector<std::string> &specs, std::map<std::string, std::vector<int64_t>> &out) {
  for (const auto &s : specs) {
    auto eq = s.rfind('=');
    std::vector<int64_t> dims;
    if (eq == std::string::npos || eq == 0 || !emlc::parseShape(s.substr(eq + 1), dims)) {
      printError(fmt::format("--shape '{}' is not NAME=DIMS (for example --shape input=1x3x32x32)", s));
      return false;
    }
    out[s.substr(0, eq)] = dims;
  }
  return true;
}

bool parseInputValues(const std::vector<std::string> &specs, std::map<std::string, std::string> &out) {
  for (const auto &v : specs) {
    auto eq = v.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == v.size()) {
      printError(fmt::format("--input-value '{}' is not NAME=FILE.pb (for example --input-value shape=shape.pb)", v));
      return false;
    }
    out[v.substr(0, eq)] = v.substr(eq + 1);
  }
  return true;
}

void addLimitFlags(CLI::App *cmd, LimitFlags &f, bool emitsC) {
  emlc::ResourceLimits d;
  auto mib = [](int64_t bytes) { return std::to_string(bytes >> 20) + "M"; };
  cmd->add_option("--max-model-size", f.modelSize,
                  "refuse a model file larger than this (bytes, K or M; default " + mib(d.modelBytes) +
                      "), e.g. --max-model-size 1024M");
  cmd->add_option("--max-nodes", f.nodes,
                  "refuse a model with more graph nodes than this (default " + std::to_string(d.nodes) +
                      "), e.g. --max-nodes 1000000");
  cmd->add_option("--max-initializer-size", f.initializerSize,
                  "refuse a model whose initializers and constants (external data included) declare more bytes\n"
                  "  than this (bytes, K or M; default " +
                      mib(d.initializerBytes) + "), e.g. --max-initializer-size 1024M");
  cmd->add_option("--max-tensor-elements", f.tensorElements,
                  "refuse a model with a tensor of more elements than this (inputs, weights, every layer's\n"
                  "  result; default " +
                      std::to_string(d.tensorElements) + "), e.g. --max-tensor-elements 1000000");
  if (emitsC)
    cmd->add_option("--max-c-size", f.cSize,
                    "stop when the emitted C (all files) grows beyond this (bytes, K or M; default " + mib(d.cBytes) +
                        "), e.g. --max-c-size 4096M");
}

bool applyLimitFlags(const LimitFlags &f, emlc::ResourceLimits &limits) {
  for (auto [text, dest, flag] : {std::tuple{&f.modelSize, &limits.modelBytes, "--max-model-size"},
                                  std::tuple{&f.nodes, &limits.nodes, "--max-nodes"},
                                  std::tuple{&f.initializerSize, &limits.initializerBytes, "--max-initializer-size"},
                                  std::tuple{&f.cSize, &limits.cBytes, "--max-c-size"},
                                  std::tuple{&f.tensorElements, &limits.tensorElements, "--max-tensor-elements"}}) {
    bool isCount = dest == &limits.nodes || dest == &limits.tensorElements;
    if (!text->empty() &&
        (!emlc::parseBytes(*text, *dest) || *dest <= 0 || (isCount && !std::isdigit((unsigned char)text->back())))) {
      fmt::print(stderr, "emlc: error: {} '{}' is not {} (for example {})\n", flag, *text,
                 isCount ? "a count" : "a byte count", isCount ? "1000000" : "512M");
      return false;
    }
  }
  return true;
}

std::function<void(const std::string &, int64_t, int64_t)> progressPrinter() {
  return [tty = isatty(fileno(stderr)) != 0](const std::string &what, int64_t done, int64_t total) {
    if (done == total || (tty && done % std::max<int64_t>(1, total / 10) == 0))
      fmt::print(stderr, "emlc: {}: {}/{}{}", what, done, total, done == total ? "\n" : "\r");
  };
}

namespace {
bool colorOn = false;

/// "error:"/"warning:" at the start of a line, coloured as compilers do (bold red, bold magenta).
std::string colored(const std::string &line) {
  if (!colorOn)
    return line;
  for (auto [tag, code] : {std::pair{"error:", "1;31"}, std::pair{"warning:", "1;35"}, std::pair{"note:", "1;36"}})
    if (llvm::StringRef(line).starts_with(tag))
      return fmt::format("\033[{}m{}\033[0m{}", code, tag, line.substr(std::string(tag).size()));
  return line;
}
} // namespace

void setColor(const std::string &mode) {
  colorOn = mode == "always" || (mode == "auto" && isatty(fileno(stderr)) && !std::getenv("NO_COLOR"));
}

void printWarnings(const std::vector<std::string> &ws) {
  for (const auto &w : ws)
    fmt::print(stderr, "emlc: {}\n", colored("warning: " + w));
}

void printErrors(const std::string &text) {
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line))
    if (!line.empty())
      fmt::print(stderr, "emlc: {}\n", colored(line));
}

void printError(const std::string &message) { fmt::print(stderr, "emlc: {}\n", colored("error: " + message)); }

bool writeText(const std::string &path, const std::string &text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  if (!f)
    printError(fmt::format("cannot write '{}'", path));
  return (bool)f;
}

std::string nearestName(const std::string &word, const std::vector<std::string> &candidates) {
  llvm::StringRef w = llvm::StringRef(word).trim();
  if (w.empty())
    return "";
  unsigned limit = std::max<unsigned>(2, w.size() / 3), best = limit + 1;
  std::string bestName;
  for (const auto &c : candidates) {
    unsigned d = llvm::StringRef(c).edit_distance_insensitive(w, /*AllowReplacements=*/true, limit);
    if (d < best)
      best = d, bestName = c;
  }
  return bestName;
}

std::string modelFileProblem(const std::string &path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st))
    return fmt::format("cannot open '{}': no such file; check the path (emlc takes the .onnx file itself)", path);
  if (fs::is_directory(st)) {
    fs::path inside = fs::path(path) / "model.onnx";
    return fs::exists(inside)
               ? fmt::format("'{}' is a folder, not a model file; did you mean '{}'?", path, inside.string())
               : fmt::format("'{}' is a folder, not a model file; give the .onnx file", path);
  }
  if (!fs::is_regular_file(st))
    return fmt::format("'{}' is not a regular file (a device or a pipe?); give an .onnx file", path);
  if (fs::file_size(path, ec) == 0 && !ec)
    return fmt::format("'{}' is empty (0 bytes): export or download the model again", path);
  if (access(path.c_str(), R_OK) != 0)
    return fmt::format("cannot read '{}': permission denied", path);
  return "";
}

namespace {
std::vector<std::string> targetNames() {
  std::vector<std::string> v;
  for (const auto &t : emlc::allTargets())
    v.push_back(t.name);
  return v;
}

std::vector<std::string> deviceNames() {
  std::vector<std::string> v;
  for (const auto &d : emlc::allDevices())
    v.push_back(d.name);
  return v;
}

/// The option names of a (sub)command as typed: --long and -s.
std::vector<std::string> optionNames(const CLI::App &app) {
  std::vector<std::string> v;
  for (const CLI::Option *o : app.get_options()) {
    for (const auto &l : o->get_lnames())
      v.push_back("--" + l);
    for (const auto &s : o->get_snames())
      v.push_back("-" + s);
  }
  return v;
}
} // namespace

CLI::Validator targetName() {
  return CLI::Validator(
      [](std::string &name) -> std::string {
        if (emlc::lookupTarget(name))
          return "";
        std::string near = nearestName(name, targetNames());
        return fmt::format("unknown target '{}'{} (emlc targets lists them)", name,
                           near.empty() ? "" : "; did you mean '" + near + "'?");
      },
      "TARGET");
}

CLI::Validator deviceName() {
  return CLI::Validator(
      [](std::string &name) -> std::string { return emlc::lookupDevice(name) ? "" : emlc::unknownDeviceMessage(name); },
      "DEVICE");
}

int reportParseError(CLI::App &app, const CLI::ParseError &e, int argc, char **argv) {
  std::vector<std::string> commands;
  CLI::App *sub = nullptr;
  int subAt = argc;
  for (CLI::App *s : app.get_subcommands([](CLI::App *) { return true; }))
    commands.push_back(s->get_name());
  for (int i = 1; i < argc && !sub; ++i)
    for (CLI::App *s : app.get_subcommands([](CLI::App *) { return true; }))
      if (s->get_name() == argv[i])
        sub = s, subAt = i;
  std::string help = sub ? fmt::format("emlc {} --help", sub->get_name()) : "emlc --help";
  if (!sub) {
    // The first word that is not an option and names no command: a mistyped command.
    for (int i = 1; i < argc; ++i)
      if (argv[i][0] != '-') {
        std::string near = nearestName(argv[i], commands);
        printError(fmt::format("unknown command '{}'{} (commands: {}; emlc --help)", argv[i],
                               near.empty() ? "" : "; did you mean '" + near + "'?", fmt::join(commands, ", ")));
        return 2;
      }
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::RequiredError)) {
      printError(
          fmt::format("a command is required: {} (e.g. emlc compile model.onnx -o out)", fmt::join(commands, ", ")));
      return 2;
    }
  }
  // An unknown option explains most errors (a misspelt required option is also "required"): named first.
  if (sub) {
    std::vector<std::string> known = optionNames(*sub), global = optionNames(app);
    known.insert(known.end(), global.begin(), global.end());
    for (int i = subAt + 1; i < argc; ++i) {
      std::string word = argv[i];
      if (word.size() < 2 || word[0] != '-' || (word[1] >= '0' && word[1] <= '9'))
        continue;
      std::string name = word.substr(0, word.find('='));
      if (std::find(known.begin(), known.end(), name) != known.end())
        continue;
      std::string near = nearestName(name, known);
      printError(fmt::format("unknown option '{}' for emlc {}{} ({} lists the options)", name, sub->get_name(),
                             near.empty() ? "" : "; did you mean '" + near + "'?", help));
      return 2;
    }
  }
  // A validator's message (unknown target or device) already says where the names are listed.
  if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::ValidationError) &&
      llvm::StringRef(e.what()).ends_with("lists them)"))
    printError(e.what());
  else
    printError(fmt::format("{} ({} explains the options)", e.what(), help));
  return 2;
}

std::string bashCompletion(CLI::App &app) {
  std::string cases;
  std::vector<std::string> commands;
  for (CLI::App *s : app.get_subcommands([](CLI::App *) { return true; })) {
    commands.push_back(s->get_name());
    cases += fmt::format("    {}) opts=\"{}\" ;;\n", s->get_name(), fmt::join(optionNames(*s), " "));
  }
  return fmt::format(R"(# bash completion for emlc (generated by: emlc completion bash)
_emlc() {{
  local cur=${{COMP_WORDS[COMP_CWORD]}} prev=${{COMP_WORDS[COMP_CWORD-1]}} opts=""
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "{} --help --version" -- "$cur"))
    return
  fi
  case "$prev" in
    --target) COMPREPLY=($(compgen -W "{}" -- "$cur")); return ;;
    --device) COMPREPLY=($(compgen -W "{}" -- "$cur")); return ;;
  esac
  case "${{COMP_WORDS[1]}}" in
{}  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}}
complete -o filenames -F _emlc emlc
)",
                     fmt::join(commands, " "), fmt::join(targetNames(), " "), fmt::join(deviceNames(), " "), cases);
}

} // namespace emlc::cli
