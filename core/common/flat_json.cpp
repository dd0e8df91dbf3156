// SPDX-License-Identifier: Apache-2.0
// Reads the flat JSON objects the store keeps (`to`, `vars`, `attrs`): {"key": "value", ...}.
// This runs for every message the dispatcher sends and every recipient the store indexes, so it
// reads the text with the request path's tape reader (no node per value) and allocates only the
// strings it returns.
#include <algorithm>

#include "core/common/json_reader.hpp"
#include "core/common/json_writer.hpp"

namespace notify::core {

std::vector<std::pair<std::string, std::string>> parseJsonObjectOfStrings(const std::string& json) {
  JsonDocument document;
  JsonLimits limits;
  limits.refuseDuplicateKeys = false;  // stored text: a repeated key keeps its last value
  limits.refuseNul = false;            // and text stored before requests refused U+0000 reads
  if (document.parse(json, limits) || !document.root().isObject()) {
    return {};
  }
  std::vector<std::pair<std::string, std::string>> pairs;
  pairs.reserve(document.root().size());
  for (JsonMember member : document.root().members()) {
    if (member.value.isObject() || member.value.isArray()) {
      return {};
    }
    // A string as itself, any other scalar as its JSON text ("12", "true"), null as "".
    pairs.emplace_back(member.key,
                       member.value.isNull() ? std::string_view() : member.value.text());
  }
  // Sorted by key, a repeated key keeping its last value: the order and meaning callers saw
  // from the DOM parser this replaced.
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  auto last = std::unique(pairs.rbegin(), pairs.rend(),
                          [](const auto& a, const auto& b) { return a.first == b.first; });
  pairs.erase(pairs.begin(), last.base());
  return pairs;
}

}  // namespace notify::core
