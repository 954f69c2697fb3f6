//===- Device.h - the boards and MCUs emlc knows ----------------*- C++ -*-===//
//
// A device is a file `devices/<name>.json`: the core and the emlc target it
// compiles for, the clock, the RAM and flash regions with their sizes, and the
// documents the figures come from. The files are embedded into emlc at build
// time and validated when first read; `--device NAME` takes the target, the
// budgets and the clock from here.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_DEVICES_DEVICE_H
#define EMLC_DEVICES_DEVICE_H

#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdint>
#include <string>
#include <vector>

namespace emlc {

/// A RAM or flash region: a contiguous address range of one kind of memory.
struct MemoryRegion {
  std::string name;
  int64_t bytes = 0;
  /// RAM: accessed at the core clock without wait states (TCM, or SRAM on a
  /// core without a slower bus); false for SRAM behind a bus or a cache.
  bool fast = false;
  /// Flash: off-chip (QSPI/SPI, executed in place) rather than on the die.
  bool external = false;
  int waitStates = -1; ///< flash wait states at the device's clock; -1: unknown
  std::string comment;
};

struct DeviceInfo {
  std::string name;        ///< lower-case id, the file's name: "nucleo-l4r5zi"
  std::string displayName; ///< "NUCLEO-L4R5ZI"
  std::string vendor, mcu;
  std::string core;   ///< "cortex-m4f", "rv32imac", ...
  std::string target; ///< the emlc target (targets/<target>/target.json)
  double clockMHz = 0;
  std::vector<MemoryRegion> ram, flash;
  /// The RAM region the tensor arena goes in by default, and why.
  std::string arenaRegion, arenaComment;
  std::string fpu; ///< "none", "single", "double"
  bool dsp = false, mve = false;
  std::vector<std::string> sources; ///< the documents the figures come from
  std::string notes;

  /// The RAM region called `name`, or nullptr.
  const MemoryRegion *ramRegion(const std::string &name) const;
  /// Bytes of the arena region: the RAM a model's arena (and stack) can use.
  int64_t ramBudget() const;
  /// Bytes of all RAM regions.
  int64_t ramTotal() const;
  /// Sum of the internal flash; without internal flash, of the external one.
  int64_t flashBudget() const;
};

/// Parses and validates one device file (`file` names it in errors): every
/// required key present, no unknown key, sizes > 0, the target known,
/// arena_region a RAM region, the name the file's stem.
llvm::Expected<DeviceInfo> parseDevice(llvm::StringRef text, llvm::StringRef file);

/// Every embedded device, sorted by name. An invalid embedded file is a fatal
/// error naming it (a build defect, caught by the unit tests).
const std::vector<DeviceInfo> &allDevices();
/// The device called `name` (case-insensitive), or whose display name is
/// `name`; nullptr if none.
const DeviceInfo *lookupDevice(const std::string &name);
/// The device name closest to `unknown` by edit distance, or "" if none is
/// close: for "did you mean" messages.
std::string suggestDevice(const std::string &unknown);
/// The message for a name that is no device: "unknown device 'X'; did you
/// mean 'Y'? (emlc devices lists them)".
std::string unknownDeviceMessage(const std::string &unknown);
/// `--device name` with `--target target` ("generic": not given): the device,
/// with `target` set to its target; nullptr with `error` for an unknown
/// device or a target that contradicts it.
const DeviceInfo *resolveDevice(const std::string &name, std::string &target, std::string &error);
/// A table of the devices (name, core, target, clock, RAM, flash, FPU/DSP/MVE,
/// first source), or with `json` a JSON array with every field.
void printDevices(llvm::raw_ostream &os, bool json);

} // namespace emlc

#endif
