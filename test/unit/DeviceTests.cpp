// The device catalog (issue 17): every embedded devices/*.json loads and
// validates, budgets match the datasheets, lookup and did-you-mean work, the
// JSON listing parses back, and malformed files are refused with the file's
// name.
#include "emlc/Devices/Device.h"
#include "targets/Target.h"
#include "llvm/Support/JSON.h"
#include <catch2/catch.hpp>

using namespace emlc;

namespace {
constexpr int64_t kKiB = 1024, kMiB = 1024 * 1024;

const DeviceInfo &device(const std::string &name) {
  const DeviceInfo *d = lookupDevice(name);
  INFO(name);
  REQUIRE(d != nullptr);
  return *d;
}

/// A minimal valid device file with `field` replaced by `value` (raw JSON), or
/// removed when `value` is empty.
std::string deviceText(const std::string &field = "", const std::string &value = "") {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"name", "\"board\""},
      {"display_name", "\"Board\""},
      {"vendor", "\"V\""},
      {"mcu", "\"M\""},
      {"core", "\"cortex-m4f\""},
      {"target", "\"cortex-m4\""},
      {"clock_mhz", "80"},
      {"ram", "[{\"name\": \"SRAM\", \"bytes\": 65536, \"fast\": true}]"},
      {"arena_region", "\"SRAM\""},
      {"flash", "[{\"name\": \"Flash\", \"bytes\": 262144, \"external\": false, \"wait_states\": 4}]"},
      {"fpu", "\"single\""},
      {"dsp", "true"},
      {"mve", "false"},
      {"sources", "[\"a datasheet\"]"}};
  bool replaced = false;
  std::string text = "{";
  for (auto &[k, v] : fields) {
    if (k == field) {
      replaced = true;
      if (value.empty())
        continue;
      v = value;
    }
    text += (text.size() > 1 ? ", \"" : "\"") + k + "\": " + v;
  }
  if (!field.empty() && !replaced)
    text += ", \"" + field + "\": " + value;
  return text + "}";
}

std::string parseError(const std::string &text) {
  llvm::Expected<DeviceInfo> d = parseDevice(text, "devices/board.json");
  if (d)
    return "";
  return llvm::toString(d.takeError());
}
} // namespace

TEST_CASE("every device loads, is sorted and names a known target", "[devices]") {
  const std::vector<DeviceInfo> &all = allDevices();
  CHECK(all.size() >= 15);
  for (size_t i = 0; i < all.size(); ++i) {
    const DeviceInfo &d = all[i];
    INFO(d.name);
    if (i > 0)
      CHECK(all[i - 1].name < d.name);
    CHECK(lookupTarget(d.target) != nullptr);
    CHECK(d.ramBudget() > 0);
    CHECK(d.ramBudget() <= d.ramTotal());
    CHECK(d.flashBudget() > 0);
    CHECK(!d.sources.empty());
    CHECK(lookupDevice(d.name) == &d);
    CHECK(lookupDevice(d.displayName) == &d);
  }
}

TEST_CASE("the catalog covers the cores the issue asks for", "[devices]") {
  for (const char *target : {"cortex-m0plus", "cortex-m3", "cortex-m4", "cortex-m7", "cortex-m33", "cortex-m55",
                             "rv32imac", "esp32-c3", "gd32vf103"}) {
    INFO(target);
    CHECK(llvm::any_of(allDevices(), [&](const DeviceInfo &d) { return d.target == target; }));
  }
}

TEST_CASE("budgets match the datasheets", "[devices]") {
  const DeviceInfo &gd = device("gd32vf103");
  CHECK(gd.target == "gd32vf103");
  CHECK(gd.ramBudget() == 32 * kKiB);
  CHECK(gd.flashBudget() == 128 * kKiB);
  CHECK(gd.clockMHz == 108);

  const DeviceInfo &l4 = device("nucleo-l4r5zi");
  CHECK(l4.target == "cortex-m4");
  CHECK(l4.clockMHz == 120);
  CHECK(l4.flashBudget() == 2 * kMiB);
  CHECK(l4.ramBudget() == 640 * kKiB);
  CHECK(l4.flash.front().waitStates == 5);

  const DeviceInfo &f4 = device("nucleo-f446re");
  CHECK(f4.ramBudget() == 128 * kKiB);
  CHECK(f4.flashBudget() == 512 * kKiB);

  const DeviceInfo &bluePill = device("stm32f103c8");
  CHECK(bluePill.target == "cortex-m3");
  CHECK(bluePill.ramBudget() == 20 * kKiB);
  CHECK(bluePill.flashBudget() == 64 * kKiB);

  // No internal flash: the budget is the external SPI flash.
  const DeviceInfo &fe310 = device("fe310-g002");
  CHECK(fe310.target == "rv32imac");
  CHECK(fe310.ramBudget() == 16 * kKiB);
  CHECK(fe310.flashBudget() == 4 * kMiB);
  CHECK(device("rp2040").target == "cortex-m0plus");
  CHECK(device("rp2040").flashBudget() == 2 * kMiB);

  const DeviceInfo &h7 = device("nucleo-h743zi");
  CHECK(h7.arenaRegion == "AXI-SRAM");
  CHECK(h7.ramBudget() == 512 * kKiB);
  CHECK(h7.ramRegion("DTCM")->fast);
  CHECK(h7.fpu == "double");
}

TEST_CASE("lookup accepts display names in any case", "[devices]") {
  CHECK(lookupDevice("NUCLEO-L4R5ZI") == &device("nucleo-l4r5zi"));
  CHECK(lookupDevice("Nucleo-F446RE") == &device("nucleo-f446re"));
  CHECK(lookupDevice("NUCLEO-H743ZI2") == &device("nucleo-h743zi"));
  CHECK(lookupDevice("Raspberry Pi Pico") == &device("rp2040"));
  CHECK(lookupDevice("esp32-c3") == &device("esp32-c3"));
  CHECK(lookupDevice("no-such-board") == nullptr);
  CHECK(lookupDevice("") == nullptr);
}

TEST_CASE("suggestDevice proposes the closest name", "[devices]") {
  CHECK(suggestDevice("nucleo-l4r5z") == "nucleo-l4r5zi");
  CHECK(suggestDevice("nrf52804") == "nrf52840");
  CHECK(suggestDevice("h743") == "nucleo-h743zi");
  CHECK(suggestDevice("raspberry-pi-zero-2w") == "");
  CHECK(suggestDevice("") == "");
}

TEST_CASE("the JSON listing parses back with every device", "[devices]") {
  std::string text;
  llvm::raw_string_ostream os(text);
  printDevices(os, /*json=*/true);
  llvm::Expected<llvm::json::Value> v = llvm::json::parse(text);
  REQUIRE(bool(v));
  const llvm::json::Array *a = v->getAsArray();
  REQUIRE(a != nullptr);
  REQUIRE(a->size() == allDevices().size());
  for (size_t i = 0; i < a->size(); ++i) {
    const llvm::json::Object *o = (*a)[i].getAsObject();
    REQUIRE(o != nullptr);
    const DeviceInfo &d = allDevices()[i];
    CHECK(o->getString("name") == d.name);
    CHECK(o->getInteger("ram_budget") == d.ramBudget());
    CHECK(o->getInteger("flash_budget") == d.flashBudget());
    for (const char *key : {"display_name", "vendor", "mcu", "core", "target", "arena_region", "fpu"})
      CHECK(o->getString(key).has_value());
    CHECK(o->getArray("ram")->size() == d.ram.size());
    CHECK(o->getArray("flash")->size() == d.flash.size());
    CHECK(o->getArray("sources")->size() == d.sources.size());
  }
}

TEST_CASE("the table lists every device with its first source", "[devices]") {
  std::string text;
  llvm::raw_string_ostream os(text);
  printDevices(os, /*json=*/false);
  CHECK(llvm::StringRef(text).count('\n') == allDevices().size() + 1);
  for (const DeviceInfo &d : allDevices()) {
    CHECK(llvm::StringRef(text).contains(d.name));
    CHECK(llvm::StringRef(text).contains(d.sources.front()));
  }
  CHECK(llvm::StringRef(text).contains("640 KiB (SRAM) / 640 KiB"));
}

TEST_CASE("malformed device files are refused with the file's name", "[devices]") {
  REQUIRE(parseError(deviceText()) == "");
  struct Case {
    std::string field, value, message;
  };
  std::vector<Case> cases = {
      {"name", "", "missing 'name'"},
      {"clock_mhz", "0", "'clock_mhz' must be a positive number"},
      {"target", "\"cortex-m99\"", "not an emlc target"},
      {"arena_region", "\"DTCM\"", "'arena_region' 'DTCM' is not a RAM region"},
      {"ram", "[{\"name\": \"SRAM\", \"bytes\": 0, \"fast\": true}]", "ram[0]: 'bytes' must be a positive integer"},
      {"ram", "[]", "'ram' must be a non-empty array"},
      {"flash", "[{\"name\": \"F\", \"bytes\": 1024}]", "flash[0]: 'external' must be true or false"},
      {"fpu", "\"half\"", "'fpu' must be"},
      {"dsp", "false", "uses the DSP extension"},
      {"sources", "[]", "'sources' must be a non-empty array"},
      {"clock", "80", "unknown key 'clock'"},
      {"name", "\"other\"", "but the file is board.json"}};
  for (const Case &c : cases) {
    INFO(c.field << " = " << c.value);
    std::string error = parseError(deviceText(c.field, c.value));
    CHECK_THAT(error, Catch::Contains("devices/board.json") && Catch::Contains(c.message));
  }
  CHECK_THAT(parseError("{\"name\": "), Catch::Contains("devices/board.json: invalid JSON"));
}
