//===- CLIParsing.h - parsing the values of emlc's command-line options -*- C++ -*-===//
//
// Plain text -> value helpers for the CLI (`--shape`, `--ram-limit`, `--name`),
// kept out of the compiler library so it takes only parsed values.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_SUPPORT_CLIPARSING_H
#define EMLC_SUPPORT_CLIPARSING_H

#include <cstdint>
#include <string>
#include <vector>

namespace emlc {

/// Parses a byte count with an optional K or M suffix (1024-based): "64K".
bool parseBytes(const std::string &text, int64_t &bytes);
/// Parses "1x3x32x32" into dims; false on malformed text.
bool parseShape(const std::string &text, std::vector<int64_t> &dims);
/// True for a valid C identifier.
bool isCIdentifier(const std::string &s);

} // namespace emlc

#endif
