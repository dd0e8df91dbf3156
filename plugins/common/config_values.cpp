// SPDX-License-Identifier: Apache-2.0
#include "plugins/common/config_values.hpp"

#include <limits>

namespace notify::plugin::common {

std::string baseUrlParam(const sdk::Config& config, std::string_view key,
                         std::string_view fallback) {
  std::string url = config.get(key, fallback);
  const size_t scheme = url.find("://");
  if ((url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) || url.size() <= scheme + 3 ||
      url.find_first_of(" \t\r\n?#") != std::string::npos) {
    throw sdk::ConfigError(std::string(key) + ": must be an http:// or https:// URL with a host");
  }
  while (url.back() == '/') {
    url.pop_back();
  }
  return url;
}

std::string trimmedParam(const sdk::Config& config, std::string_view key, bool required) {
  std::string value = config.get(key);
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r' || value.back() == ' ' ||
                            value.back() == '\t')) {
    value.pop_back();
  }
  if (required && value.empty()) {
    throw sdk::ConfigError(std::string(key) + ": must not be empty");
  }
  return value;
}

uint32_t timeoutParam(const sdk::Config& config, std::string_view key) {
  const int64_t ms = config.getInt(key, 10000);
  if (ms <= 0 || ms > std::numeric_limits<int32_t>::max()) {
    throw sdk::ConfigError(std::string(key) + ": must be a positive number of milliseconds");
  }
  return static_cast<uint32_t>(ms);
}

}  // namespace notify::plugin::common
