// SPDX-License-Identifier: Apache-2.0
#include "core/config/key_check.hpp"

#include <algorithm>
#include <numeric>

namespace notify::core {
namespace {

size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// A key as it reads in an error: a NUL shown as \u0000.
std::string shown(std::string_view key) {
  std::string out;
  for (char c : key) {
    out += c == '\0' ? std::string("\\u0000") : std::string(1, c);
  }
  return out;
}

}  // namespace

void ConfigErrors::add(const toml::source_region& where, std::string_view path,
                       std::string_view message) {
  std::string line;
  if (where.path) {
    line += *where.path + ":";
  }
  if (where.begin.line != 0) {
    line += std::to_string(where.begin.line) + ":" + std::to_string(where.begin.column) + ": ";
  }
  line.append(path).append(": ").append(message);
  errors_.push_back(std::move(line));
}

std::string ConfigErrors::joined() const {
  std::string out;
  for (const auto& e : errors_) {
    out += e + "\n";
  }
  return out;
}

std::string closestMatch(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t bestDistance = std::max<size_t>(2, word.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    size_t d = editDistance(word, candidate);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best;
}

void checkKnownKeys(const toml::table& table, std::string_view path,
                    const std::vector<std::string>& allowed, ConfigErrors& errors) {
  for (const auto& [key, node] : table) {
    std::string name(key.str());
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) {
      continue;
    }
    std::string message = "unknown key '" + name + "'";
    std::string guess = closestMatch(name, allowed);
    if (!guess.empty()) {
      message += " (did you mean '" + guess + "'?)";
    }
    message += "; valid keys: ";
    for (size_t i = 0; i < allowed.size(); ++i) {
      message += (i == 0 ? "" : ", ") + allowed[i];
    }
    errors.add(node.source(), path.empty() ? name : std::string(path) + "." + name, message);
  }
}

void checkNoNul(const toml::node& node, const std::string& path, ConfigErrors& errors) {
  if (const auto* table = node.as_table()) {
    for (const auto& [key, value] : *table) {
      std::string at = (path.empty() ? "" : path + ".") + shown(key.str());
      if (key.str().find('\0') != std::string_view::npos) {
        errors.add(value.source(), at, "the key contains a NUL character (U+0000)");
      }
      checkNoNul(value, at, errors);
    }
  } else if (const auto* array = node.as_array()) {
    for (size_t i = 0; i < array->size(); ++i) {
      checkNoNul(*array->get(i), path + "[" + std::to_string(i) + "]", errors);
    }
  } else if (const auto* text = node.as_string()) {
    if (text->get().find('\0') != std::string::npos) {
      errors.add(node.source(), path,
                 "contains a NUL character (U+0000), which no stored text or plugin setting can "
                 "hold");
    }
  }
}

}  // namespace notify::core
