// SPDX-License-Identifier: Apache-2.0
#include "core/templates/var_rules.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/common/utf8.hpp"

namespace notify::core {
namespace {

constexpr std::pair<VarType, const char*> kTypeNames[] = {
    {VarType::kString, "string"}, {VarType::kDigits, "digits"}, {VarType::kInt, "int"},
    {VarType::kEnum, "enum"},     {VarType::kEmail, "email"},   {VarType::kPhone, "phone"},
    {VarType::kUrl, "url"},
};

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

bool allDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), isDigit);
}

// Code points, not bytes: a limit of 10 characters means 10 characters of Chinese too.
int64_t characterCount(std::string_view text) {
  return static_cast<int64_t>(utf8CodePointCount(text));
}

std::string range(const std::optional<int64_t>& min, const std::optional<int64_t>& max) {
  if (min && max) {
    return *min == *max ? std::to_string(*min) : std::to_string(*min) + "-" + std::to_string(*max);
  }
  if (min) {
    return "at least " + std::to_string(*min);
  }
  return "at most " + std::to_string(*max);
}

Error invalid(const VarSpec& spec, const std::string& rule) {
  return makeError("invalid_variable", "variable '" + spec.name + "' " + rule, "vars." + spec.name);
}

bool outside(int64_t n, const std::optional<int64_t>& min, const std::optional<int64_t>& max) {
  return (min && n < *min) || (max && n > *max);
}

Result<void> checkType(const VarSpec& spec, std::string_view value) {
  switch (spec.type) {
    case VarType::kString:
      return {};
    case VarType::kDigits:
      if (!allDigits(value) ||
          outside(static_cast<int64_t>(value.size()), spec.minLength, spec.maxLength)) {
        bool bounded = spec.minLength || spec.maxLength;
        return invalid(spec, bounded
                                 ? "must be " + range(spec.minLength, spec.maxLength) + " digits"
                                 : "must be digits only");
      }
      return {};
    case VarType::kInt: {
      int64_t n = 0;
      std::string_view digits = value.substr(!value.empty() && value[0] == '-' ? 1 : 0);
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (!allDigits(digits) || ec != std::errc() || end != value.data() + value.size()) {
        return invalid(spec, "must be an integer");
      }
      if (outside(n, spec.minValue, spec.maxValue)) {
        return invalid(spec,
                       "must be an integer " + (spec.minValue && spec.maxValue
                                                    ? "between " + std::to_string(*spec.minValue) +
                                                          " and " + std::to_string(*spec.maxValue)
                                                    : range(spec.minValue, spec.maxValue)));
      }
      return {};
    }
    case VarType::kEnum:
      if (std::find(spec.values.begin(), spec.values.end(), value) == spec.values.end()) {
        std::string list;
        for (const auto& v : spec.values) {
          list += (list.empty() ? "" : ", ") + v;
        }
        return invalid(spec, "must be one of: " + list);
      }
      return {};
    case VarType::kEmail:
      return isEmailAddress(value) ? Result<void>() : invalid(spec, "must be an email address");
    case VarType::kPhone:
      return isE164Phone(value)
                 ? Result<void>()
                 : invalid(spec, "must be an E.164 phone number (+ and 8-15 digits)");
    case VarType::kUrl:
      return isHttpUrl(value) ? Result<void>() : invalid(spec, "must be an http(s) URL");
  }
  return {};
}

}  // namespace

const char* varTypeName(VarType type) {
  for (const auto& [t, name] : kTypeNames) {
    if (t == type) {
      return name;
    }
  }
  return "string";
}

std::optional<VarType> parseVarType(std::string_view name) {
  for (const auto& [t, n] : kTypeNames) {
    if (name == n) {
      return t;
    }
  }
  return std::nullopt;
}

Result<void> checkVar(const VarSpec& spec, std::string_view value) {
  if (Result<void> typed = checkType(spec, value); !typed) {
    return typed;
  }
  if (spec.type != VarType::kDigits &&
      outside(characterCount(value), spec.minLength, spec.maxLength)) {
    return invalid(spec, "must be " + range(spec.minLength, spec.maxLength) + " characters long");
  }
  if (spec.regex && !std::regex_match(value.begin(), value.end(), *spec.regex)) {
    return invalid(spec, "must match the pattern " + spec.pattern);
  }
  return {};
}

bool isE164Phone(std::string_view text) {
  return text.size() >= 9 && text.size() <= 16 && text[0] == '+' && text[1] != '0' &&
         allDigits(text.substr(1));
}

bool isEmailAddress(std::string_view text) {
  size_t at = text.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= text.size() || text.size() > 254) {
    return false;
  }
  std::string_view local = text.substr(0, at);
  std::string_view domain = text.substr(at + 1);
  auto printable = [](char c) {
    return static_cast<unsigned char>(c) > 0x20 && c != '@' && c != '<' && c != '>' && c != ',' &&
           c != ';' && c != '"' && c != '\\' && c != 0x7f;
  };
  bool domainOk = domain.find('.') != std::string_view::npos && domain.front() != '.' &&
                  domain.back() != '.' && domain.find("..") == std::string_view::npos &&
                  std::all_of(domain.begin(), domain.end(), [](char c) {
                    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ||
                           static_cast<unsigned char>(c) >= 0x80;
                  });
  return local.size() <= 64 && std::all_of(local.begin(), local.end(), printable) && domainOk;
}

bool isHttpUrl(std::string_view text) {
  for (std::string_view scheme : {"https://", "http://"}) {
    if (text.substr(0, scheme.size()) == scheme && text.size() > scheme.size()) {
      return std::none_of(text.begin(), text.end(), [](char c) {
        return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
      });
    }
  }
  return false;
}

}  // namespace notify::core
