// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/result.hpp"

namespace notify::core {

enum class VarType { kString, kDigits, kInt, kEnum, kEmail, kPhone, kUrl };

const char* varTypeName(VarType type);
std::optional<VarType> parseVarType(std::string_view name);

// A template variable as declared: its type and constraints. A value is checked against it
// before anything is rendered, so a template never carries free-form garbage.
struct VarSpec {
  std::string name;
  VarType type = VarType::kString;
  bool required = true;
  std::optional<int64_t> minLength;  // characters (UTF-8 code points); digits: digit count
  std::optional<int64_t> maxLength;
  std::optional<int64_t> minValue;  // int only
  std::optional<int64_t> maxValue;
  std::vector<std::string> values;  // enum only
  std::string pattern;              // ECMAScript regex the whole value must match
  std::shared_ptr<const std::regex> regex;
};

// "must be 4-8 digits" style checks; the error's field is "vars.NAME", its code invalid_variable.
Result<void> checkVar(const VarSpec& spec, std::string_view value);

// Address checks shared by template variables and recipients.
bool isE164Phone(std::string_view text);
bool isEmailAddress(std::string_view text);
bool isHttpUrl(std::string_view text);

}  // namespace notify::core
