//===- CLIParsing.cpp - parsing the values of emlc's command-line options ---===//

#include "emlc/Support/CLIParsing.h"
#include <cctype>
#include <sstream>

namespace emlc {

bool parseShape(const std::string &text, std::vector<int64_t> &dims) {
  dims.clear();
  // getline drops a trailing empty part: "1x4x" must not read as 1x4.
  if (text.empty() || text.back() == 'x')
    return false;
  std::stringstream ss(text);
  std::string part;
  while (std::getline(ss, part, 'x')) {
    if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos || part.size() > 9)
      return false;
    dims.push_back(std::stoll(part));
    if (dims.back() <= 0)
      return false;
  }
  return !dims.empty();
}

bool parseBytes(const std::string &text, int64_t &bytes) {
  if (text.empty())
    return false;
  int64_t mul = 1;
  std::string digits = text;
  char last = (char)std::toupper((unsigned char)text.back());
  if (last == 'K' || last == 'M') {
    mul = last == 'K' ? 1024 : 1024 * 1024;
    digits.pop_back();
  }
  if (digits.empty() || digits.size() > 12 || digits.find_first_not_of("0123456789") != std::string::npos)
    return false;
  bytes = std::stoll(digits) * mul;
  return true;
}

bool isCIdentifier(const std::string &s) {
  if (s.empty() || std::isdigit((unsigned char)s[0]))
    return false;
  for (char c : s)
    if (!std::isalnum((unsigned char)c) && c != '_')
      return false;
  return true;
}

} // namespace emlc
