// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <memory>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "core/config/key_check.hpp"

namespace notify::core {

// Typed readers of one TOML table: each reports a wrong type as an error and leaves the default in
// place.
class TomlReader {
 public:
  TomlReader(const toml::table& table, std::string path, ConfigErrors& errors)
      : table_(table), path_(std::move(path)), errors_(errors) {}

  void string(const char* key, std::string& out, bool required = false) {
    const toml::node* node = find(key, required);
    if (node == nullptr) {
      return;
    }
    if (const auto* s = node->as_string()) {
      out = s->get();
    } else {
      errors_.add(node->source(), path_ + "." + key, "must be a string");
    }
  }
  void integer(const char* key, int64_t& out, int64_t min, int64_t max) {
    const toml::node* node = find(key, false);
    if (node == nullptr) {
      return;
    }
    const auto* i = node->as_integer();
    if (i == nullptr) {
      errors_.add(node->source(), path_ + "." + key, "must be an integer");
    } else if (i->get() < min || i->get() > max) {
      errors_.add(node->source(), path_ + "." + key,
                  "must be between " + std::to_string(min) + " and " + std::to_string(max));
    } else {
      out = i->get();
    }
  }
  template <typename T>
  void integer(const char* key, T& out, int64_t min, int64_t max) {
    int64_t value = static_cast<int64_t>(out);
    integer(key, value, min, max);
    out = static_cast<T>(value);
  }
  void boolean(const char* key, bool& out) {
    const toml::node* node = find(key, false);
    if (node == nullptr) {
      return;
    }
    if (const auto* b = node->as_boolean()) {
      out = b->get();
    } else {
      errors_.add(node->source(), path_ + "." + key, "must be true or false");
    }
  }
  // A regular expression (ECMAScript), compiled; a bad one is reported.
  void regex(const char* key, std::string& text, std::shared_ptr<const std::regex>& out) {
    string(key, text);
    if (text.empty()) {
      return;
    }
    try {
      out = std::make_shared<const std::regex>(text, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      errors_.add(table_.source(), path_ + "." + key,
                  std::string("is not a valid regex: ") + e.what());
    }
  }
  void strings(const char* key, std::vector<std::string>& out, bool required = false) {
    const toml::node* node = find(key, required);
    if (node == nullptr) {
      return;
    }
    const auto* array = node->as_array();
    bool ok = array != nullptr;
    std::vector<std::string> items;
    for (size_t i = 0; ok && i < array->size(); ++i) {
      const auto* s = (*array)[i].as_string();
      ok = s != nullptr;
      if (ok) {
        items.push_back(s->get());
      }
    }
    if (ok) {
      out = std::move(items);
    } else {
      errors_.add(node->source(), path_ + "." + key, "must be an array of strings");
    }
  }
  const toml::table* table(const char* key) {
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
      return nullptr;
    }
    if (!node->is_table()) {
      errors_.add(node->source(), path_ + "." + key, "must be a table");
      return nullptr;
    }
    return node->as_table();
  }

 private:
  const toml::node* find(const char* key, bool required) {
    const toml::node* node = table_.get(key);
    if (node == nullptr && required) {
      errors_.add(table_.source(), path_ + "." + key, "is required");
    }
    return node;
  }

  const toml::table& table_;
  std::string path_;
  ConfigErrors& errors_;
};

// Calls fn(name, table, path) for each sub-table of a section like [apps.NAME].
template <typename Fn>
void eachNamed(const toml::table& root, const char* section, ConfigErrors& errors, Fn fn) {
  const toml::node* node = root.get(section);
  if (node == nullptr) {
    return;
  }
  if (!node->is_table()) {
    errors.add(node->source(), section, "must be a table of named entries");
    return;
  }
  for (const auto& [key, value] : *node->as_table()) {
    std::string path = std::string(section) + "." + std::string(key.str());
    if (!value.is_table()) {
      errors.add(value.source(), path, "must be a table");
      continue;
    }
    fn(std::string(key.str()), *value.as_table(), path);
  }
}

// Calls fn(table, path) for each table of an array of tables such as [[routes]], path being
// "routes[N]".
template <typename Fn>
void eachInArray(const toml::table& root, const char* section, ConfigErrors& errors, Fn fn) {
  const toml::node* node = root.get(section);
  if (node == nullptr) {
    return;
  }
  const auto* array = node->as_array();
  if (array == nullptr) {
    errors.add(node->source(), section,
               std::string("must be an array of tables: [[") + section + "]]");
    return;
  }
  for (size_t i = 0; i < array->size(); ++i) {
    std::string path = std::string(section) + "[" + std::to_string(i) + "]";
    const auto* t = (*array)[i].as_table();
    if (t == nullptr) {
      errors.add((*array)[i].source(), path, "must be a table");
      continue;
    }
    fn(*t, path);
  }
}

}  // namespace notify::core
