// SPDX-License-Identifier: Apache-2.0
// Owning key/value storage for building an sdk::Config in tests.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "notify/channel.hpp"

namespace notify::test {

class ConfigKv {
 public:
  explicit ConfigKv(std::map<std::string, std::string> values) : values_(std::move(values)) {
    for (const auto& [key, value] : values_) {
      kv_.push_back({sdk::str(key), sdk::str(value)});
    }
  }
  ConfigKv(const ConfigKv&) = delete;
  ConfigKv& operator=(const ConfigKv&) = delete;

  sdk::Config config() const { return sdk::Config(kv_.data(), kv_.size()); }

 private:
  std::map<std::string, std::string> values_;
  std::vector<notify_kv> kv_;
};

}  // namespace notify::test
