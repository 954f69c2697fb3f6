//===- Devices.cpp - the device catalog, read from devices/<name>.json -----===//
//
// The files are embedded at build time (emlc_embed_files, cmake/EmbedKernels.cmake)
// and parsed once, strictly: a missing or mistyped key, an unknown key (a typo
// would otherwise drop a figure silently), a size of 0 or a target emlc lacks
// is a fatal error naming the file. The unit tests load them all.
//
//===----------------------------------------------------------------------===//

#include "emlc/Devices/Device.h"
#include "targets/EmbeddedKernels.h"
#include "targets/Target.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include <algorithm>
#include <set>

namespace emlc {
extern const EmbeddedFile kEmbeddedDevices[];
extern const unsigned kNumEmbeddedDevices;

namespace {
namespace json = llvm::json;

/// Reads the fields of one JSON object; the first problem is kept in `error`,
/// prefixed with where the object is ("ram[1]"), and later reads return
/// defaults.
class Fields {
public:
  Fields(const json::Object &o, std::string where) : o(o), where(std::move(where)) {}
  std::string error;

  void fail(const llvm::Twine &msg) {
    if (error.empty())
      error = where.empty() ? msg.str() : (where + ": " + msg).str();
  }
  /// Fails on a key outside `known`.
  void onlyKeys(llvm::ArrayRef<llvm::StringRef> known) {
    for (const auto &kv : o)
      if (!llvm::is_contained(known, kv.first.str()))
        fail("unknown key '" + kv.first.str() + "'");
  }
  std::string str(llvm::StringRef key, bool required = true) {
    const json::Value *v = o.get(key);
    if (!v) {
      if (required)
        fail("missing '" + key + "'");
      return "";
    }
    auto s = v->getAsString();
    if (!s || s->empty())
      fail("'" + key + "' must be a non-empty string");
    return s ? s->str() : "";
  }
  bool boolean(llvm::StringRef key) {
    auto b = o.getBoolean(key);
    if (!b)
      fail("'" + key + "' must be true or false");
    return b.value_or(false);
  }
  int64_t positiveInt(llvm::StringRef key) {
    auto i = o.getInteger(key);
    if (!i || *i <= 0)
      fail("'" + key + "' must be a positive integer");
    return i.value_or(0);
  }
  double positiveNumber(llvm::StringRef key) {
    auto d = o.getNumber(key);
    if (!d || !(*d > 0))
      fail("'" + key + "' must be a positive number");
    return d.value_or(0);
  }
  std::vector<std::string> strings(llvm::StringRef key) {
    std::vector<std::string> out;
    const json::Array *a = o.getArray(key);
    if (!a || a->empty())
      fail("'" + key + "' must be a non-empty array of strings");
    for (const json::Value &v : a ? *a : json::Array()) {
      auto s = v.getAsString();
      if (!s || s->empty())
        fail("'" + key + "' must hold non-empty strings");
      else
        out.push_back(s->str());
    }
    return out;
  }
  const json::Object &object() const { return o; }

private:
  const json::Object &o;
  std::string where;
};

/// The regions of `key` ("ram" or "flash"): a non-empty array of objects with
/// unique names.
std::vector<MemoryRegion> regions(Fields &f, llvm::StringRef key, bool isFlash) {
  std::vector<MemoryRegion> out;
  const json::Array *a = f.object().getArray(key);
  if (!a || a->empty()) {
    f.fail("'" + key + "' must be a non-empty array of regions");
    return out;
  }
  std::set<std::string> names;
  for (size_t i = 0; i < a->size(); ++i) {
    std::string where = (key + "[" + llvm::Twine(i) + "]").str();
    const json::Object *o = (*a)[i].getAsObject();
    if (!o) {
      f.fail(where + ": not an object");
      continue;
    }
    Fields r(*o, where);
    MemoryRegion m;
    m.name = r.str("name");
    m.bytes = r.positiveInt("bytes");
    if (isFlash) {
      r.onlyKeys({"name", "bytes", "external", "wait_states", "comment"});
      m.external = r.boolean("external");
      if (o->get("wait_states")) {
        auto ws = o->getInteger("wait_states");
        if (!ws || *ws < 0 || *ws > 64)
          r.fail("'wait_states' must be an integer from 0 to 64");
        m.waitStates = (int)ws.value_or(-1);
      }
    } else {
      r.onlyKeys({"name", "bytes", "fast", "comment"});
      m.fast = r.boolean("fast");
    }
    m.comment = r.str("comment", /*required=*/false);
    if (!names.insert(m.name).second)
      r.fail("region '" + m.name + "' listed twice");
    if (!r.error.empty())
      f.fail(r.error);
    out.push_back(std::move(m));
  }
  return out;
}

/// Cross-field checks: the name, the target and what its code assumes, the
/// arena region.
void checkConsistency(Fields &f, const DeviceInfo &d, llvm::StringRef file) {
  if (!llvm::all_of(d.name, [](char c) { return llvm::isLower(c) || llvm::isDigit(c) || c == '-'; }))
    f.fail("'name' must be lower-case letters, digits and '-'");
  llvm::StringRef stem = llvm::sys::path::stem(file);
  if (stem != d.name)
    f.fail("'name' is '" + d.name + "' but the file is " + llvm::sys::path::filename(file));
  if (d.fpu != "none" && d.fpu != "single" && d.fpu != "double")
    f.fail("'fpu' must be \"none\", \"single\" or \"double\"");
  if (!d.arenaRegion.empty() && !d.ramRegion(d.arenaRegion))
    f.fail("'arena_region' '" + d.arenaRegion + "' is not a RAM region");
  if (d.target.empty())
    return;
  const TargetInfo *t = lookupTarget(d.target);
  if (!t) {
    f.fail("'target' '" + d.target + "' is not an emlc target (targets/<name>/target.json)");
    return;
  }
  // The target's code may use these instructions: the device must have them.
  auto has = [&](const char *k) {
    auto it = t->isa.find(k);
    return it != t->isa.end() && it->second == "true";
  };
  if (has("dsp") && !d.dsp)
    f.fail("target '" + d.target + "' uses the DSP extension, which the device lacks");
  if (has("mve") && !d.mve)
    f.fail("target '" + d.target + "' uses Helium (MVE), which the device lacks");
  auto fpu = t->isa.find("fpu");
  if (fpu != t->isa.end() && fpu->second != "none" && d.fpu == "none")
    f.fail("target '" + d.target + "' uses an FPU, which the device lacks");
}

/// "640 KiB", "2 MiB", "7.75 MiB": the table's sizes (the JSON has bytes).
std::string formatBytes(int64_t b) {
  constexpr int64_t kKiB = 1024, kMiB = 1024 * 1024;
  if (b >= kMiB) {
    std::string s = llvm::formatv("{0:F2}", (double)b / kMiB).str();
    s = llvm::StringRef(s).rtrim('0').rtrim('.').str();
    return s + " MiB";
  }
  return b % kKiB ? std::to_string(b) + " B" : std::to_string(b / kKiB) + " KiB";
}

void writeJson(json::OStream &j, const DeviceInfo &d) {
  auto regionArray = [&](llvm::StringRef key, const std::vector<MemoryRegion> &rs, bool isFlash) {
    j.attributeArray(key, [&] {
      for (const MemoryRegion &r : rs)
        j.object([&] {
          j.attribute("name", r.name);
          j.attribute("bytes", r.bytes);
          if (isFlash) {
            j.attribute("external", r.external);
            if (r.waitStates >= 0)
              j.attribute("wait_states", r.waitStates);
          } else {
            j.attribute("fast", r.fast);
          }
          if (!r.comment.empty())
            j.attribute("comment", r.comment);
        });
    });
  };
  j.object([&] {
    j.attribute("name", d.name);
    j.attribute("display_name", d.displayName);
    j.attribute("vendor", d.vendor);
    j.attribute("mcu", d.mcu);
    j.attribute("core", d.core);
    j.attribute("target", d.target);
    j.attribute("clock_mhz", d.clockMHz);
    regionArray("ram", d.ram, false);
    j.attribute("arena_region", d.arenaRegion);
    if (!d.arenaComment.empty())
      j.attribute("arena_comment", d.arenaComment);
    regionArray("flash", d.flash, true);
    j.attribute("fpu", d.fpu);
    j.attribute("dsp", d.dsp);
    j.attribute("mve", d.mve);
    j.attributeArray("sources", [&] {
      for (const std::string &s : d.sources)
        j.value(s);
    });
    if (!d.notes.empty())
      j.attribute("notes", d.notes);
    j.attribute("ram_budget", d.ramBudget());
    j.attribute("ram_total", d.ramTotal());
    j.attribute("flash_budget", d.flashBudget());
  });
}
} // namespace

const MemoryRegion *DeviceInfo::ramRegion(const std::string &regionName) const {
  for (const MemoryRegion &r : ram)
    if (r.name == regionName)
      return &r;
  return nullptr;
}

int64_t DeviceInfo::ramBudget() const {
  const MemoryRegion *r = ramRegion(arenaRegion);
  return r ? r->bytes : 0;
}

int64_t DeviceInfo::ramTotal() const {
  int64_t total = 0;
  for (const MemoryRegion &r : ram)
    total += r.bytes;
  return total;
}

int64_t DeviceInfo::flashBudget() const {
  int64_t internal = 0, external = 0;
  for (const MemoryRegion &r : flash)
    (r.external ? external : internal) += r.bytes;
  return internal ? internal : external;
}

llvm::Expected<DeviceInfo> parseDevice(llvm::StringRef text, llvm::StringRef file) {
  auto error = [&](const llvm::Twine &msg) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), (file + ": " + msg).str());
  };
  llvm::Expected<json::Value> v = json::parse(text);
  if (!v)
    return error("invalid JSON: " + llvm::toString(v.takeError()));
  const json::Object *o = v->getAsObject();
  if (!o)
    return error("not a JSON object");
  Fields f(*o, "");
  f.onlyKeys({"name", "display_name", "vendor", "mcu", "core", "target", "clock_mhz", "ram", "arena_region",
              "arena_comment", "flash", "fpu", "dsp", "mve", "sources", "notes"});
  DeviceInfo d;
  d.name = f.str("name");
  d.displayName = f.str("display_name");
  d.vendor = f.str("vendor");
  d.mcu = f.str("mcu");
  d.core = f.str("core");
  d.target = f.str("target");
  d.clockMHz = f.positiveNumber("clock_mhz");
  d.ram = regions(f, "ram", /*isFlash=*/false);
  d.arenaRegion = f.str("arena_region");
  d.arenaComment = f.str("arena_comment", /*required=*/false);
  d.flash = regions(f, "flash", /*isFlash=*/true);
  d.fpu = f.str("fpu");
  d.dsp = f.boolean("dsp");
  d.mve = f.boolean("mve");
  d.sources = f.strings("sources");
  d.notes = f.str("notes", /*required=*/false);
  if (f.error.empty())
    checkConsistency(f, d, file);
  if (!f.error.empty())
    return error(f.error);
  return d;
}

const std::vector<DeviceInfo> &allDevices() {
  static const std::vector<DeviceInfo> devices = [] {
    std::vector<DeviceInfo> out;
    for (unsigned i = 0; i < kNumEmbeddedDevices; ++i) {
      std::string file = std::string("devices/") + kEmbeddedDevices[i].path;
      llvm::Expected<DeviceInfo> d = parseDevice(kEmbeddedDevices[i].text, file);
      if (!d)
        llvm::report_fatal_error(llvm::Twine("invalid device file ") + llvm::toString(d.takeError()),
                                 /*gen_crash_diag=*/false);
      out.push_back(std::move(*d));
    }
    llvm::sort(out, [](const DeviceInfo &a, const DeviceInfo &b) { return a.name < b.name; });
    std::set<std::string> displayNames;
    for (const DeviceInfo &d : out)
      if (!displayNames.insert(llvm::StringRef(d.displayName).lower()).second)
        llvm::report_fatal_error("invalid device files: display name '" + llvm::Twine(d.displayName) + "' used twice",
                                 /*gen_crash_diag=*/false);
    return out;
  }();
  return devices;
}

const DeviceInfo *lookupDevice(const std::string &name) {
  llvm::StringRef n = llvm::StringRef(name).trim();
  for (const DeviceInfo &d : allDevices())
    if (n.equals_insensitive(d.name) || n.equals_insensitive(d.displayName))
      return &d;
  // The display name without its parenthesis: "Raspberry Pi Pico", "ESP32-C3".
  for (const DeviceInfo &d : allDevices())
    if (n.equals_insensitive(llvm::StringRef(d.displayName).split(" (").first.trim()))
      return &d;
  return nullptr;
}

std::string unknownDeviceMessage(const std::string &unknown) {
  std::string near = suggestDevice(unknown);
  return "unknown device '" + unknown + "'" + (near.empty() ? "" : "; did you mean '" + near + "'?") +
         " (emlc devices lists them)";
}

const DeviceInfo *resolveDevice(const std::string &name, std::string &target, std::string &error) {
  const DeviceInfo *d = lookupDevice(name);
  if (!d) {
    error = unknownDeviceMessage(name);
    return nullptr;
  }
  if (target != "generic" && target != d->target) {
    error = "--target " + target + " contradicts --device " + d->name + " (its core compiles for " + d->target +
            "); drop --target";
    return nullptr;
  }
  target = d->target;
  return d;
}

std::string suggestDevice(const std::string &unknown) {
  std::string u = llvm::StringRef(unknown).trim().lower();
  if (u.empty())
    return "";
  // A fragment of exactly one name ("l4r5", "h743") names it.
  const DeviceInfo *only = nullptr;
  unsigned containing = 0;
  for (const DeviceInfo &d : allDevices())
    if (llvm::StringRef(d.name).contains(u))
      only = &d, ++containing;
  if (containing == 1 && u.size() >= 3)
    return only->name;
  // Otherwise the nearest name within about a third of the length in edits.
  unsigned limit = std::max<unsigned>(2, u.size() / 3), best = limit + 1;
  std::string bestName;
  for (const DeviceInfo &d : allDevices()) {
    unsigned dist = llvm::StringRef(d.name).edit_distance(u, /*AllowReplacements=*/true, limit);
    if (dist < best)
      best = dist, bestName = d.name;
  }
  return bestName;
}

void printDevices(llvm::raw_ostream &os, bool json) {
  if (json) {
    json::OStream j(os, 2);
    j.array([&] {
      for (const DeviceInfo &d : allDevices())
        writeJson(j, d);
    });
    os << "\n";
    return;
  }
  std::vector<std::vector<std::string>> rows = {
      {"NAME", "CORE", "TARGET", "MHZ", "RAM (ARENA REGION) / TOTAL", "FLASH", "FPU/DSP/MVE", "SOURCE"}};
  for (const DeviceInfo &d : allDevices()) {
    bool externalFlash = llvm::none_of(d.flash, [](const MemoryRegion &r) { return !r.external; });
    std::string features = d.fpu + (d.dsp ? "+dsp" : "") + (d.mve ? "+mve" : "");
    rows.push_back({d.name, d.core, d.target,
                    llvm::StringRef(llvm::formatv("{0:F1}", d.clockMHz).str()).rtrim('0').rtrim('.').str(),
                    formatBytes(d.ramBudget()) + " (" + d.arenaRegion + ") / " + formatBytes(d.ramTotal()),
                    formatBytes(d.flashBudget()) + (externalFlash ? " ext" : ""), features, d.sources.front()});
  }
  std::vector<size_t> width(rows.front().size(), 0);
  for (const auto &row : rows)
    for (size_t c = 0; c < row.size(); ++c)
      width[c] = std::max(width[c], row[c].size());
  for (const auto &row : rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      os << row[c];
      if (c + 1 < row.size())
        os.indent(width[c] - row[c].size() + 2);
    }
    os << "\n";
  }
}

} // namespace emlc
