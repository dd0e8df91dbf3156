// SPDX-License-Identifier: Apache-2.0
#include "core/guards/phone_number.hpp"

namespace notify::core {
namespace {

bool isSeparator(char c) {
  return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')';
}

}  // namespace

std::optional<std::string> normalizePhoneNumber(std::string_view text,
                                                std::string_view countryCode) {
  std::string digits;
  digits.reserve(text.size());
  bool plus = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (!isSeparator(c)) {
      return std::nullopt;
    }
  }
  if (digits.empty()) {
    return std::nullopt;
  }
  std::string out;
  if (plus) {
    out = "+" + digits;
  } else if (digits.size() > 2 && digits.compare(0, 2, "00") == 0) {
    out = "+" + digits.substr(2);
  } else if (!countryCode.empty()) {
    std::string_view national = digits;
    if (national.front() == '0') {
      national.remove_prefix(1);  // the trunk prefix, dialled only inside the country
    }
    out = "+" + std::string(countryCode) + std::string(national);
  } else {
    return std::nullopt;
  }
  if (out == text) {
    return std::nullopt;
  }
  return out;
}

bool isCountryCallingCode(std::string_view text) {
  if (text.empty() || text.size() > 3 || text.front() == '0') {
    return false;
  }
  for (char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

}  // namespace notify::core
