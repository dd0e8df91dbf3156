// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <toml++/toml.h>

#include <string>
#include <string_view>
#include <vector>

namespace notify::core {

// Collects configuration errors so an operator sees all of them at once, each as
// "file:line:col: path: message".
class ConfigErrors {
 public:
  void add(const toml::source_region& where, std::string_view path, std::string_view message);
  void add(std::string message) { errors_.push_back(std::move(message)); }
  bool empty() const { return errors_.empty(); }
  const std::vector<std::string>& list() const { return errors_; }
  std::string joined() const;

 private:
  std::vector<std::string> errors_;
};

// The closest candidate within a small edit distance, or empty.
std::string closestMatch(std::string_view word, const std::vector<std::string>& candidates);

// Reports every key of table that is not in allowed, naming the valid keys and a likely typo.
void checkKnownKeys(const toml::table& table, std::string_view path,
                    const std::vector<std::string>& allowed, ConfigErrors& errors);

// Reports every string value and key under node that holds U+0000 (TOML allows it as "\u0000").
// No text the daemon stores can hold it (PostgreSQL refuses it, and one such message would fail
// its whole group commit), and a plugin's C strings would end there.
void checkNoNul(const toml::node& node, const std::string& path, ConfigErrors& errors);

}  // namespace notify::core
