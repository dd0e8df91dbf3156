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

}  // namespace notify::core
