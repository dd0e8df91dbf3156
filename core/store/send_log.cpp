// SPDX-License-Identifier: Apache-2.0
#include "core/store/send_log.hpp"

#include <cctype>

namespace notify::core {

std::vector<QueryCondition> queryConditions(const MessageQuery& query) {
  std::vector<QueryCondition> out;
  auto text = [&out](const char* clause, const std::string& value) {
    if (!value.empty()) {
      out.push_back({clause, value, std::nullopt});
    }
  };
  text("m.id = ?", query.id);
  if (!query.recipient.empty()) {
    text("m.id IN (SELECT message_id FROM message_recipients WHERE address = ?)",
         normalizeAddress(query.recipient));
  }
  text("m.app = ?", query.app);
  text("m.template = ?", query.templateName);
  text("m.channel = ?", query.channel);
  text("m.provider = ?", query.provider);
  text("m.state = ?", query.state ? stateName(*query.state) : "");
  if (query.sinceMs > 0) {
    out.push_back({"m.created_ms >= ?", "", query.sinceMs});
  }
  if (query.untilMs != INT64_MAX) {
    out.push_back({"m.created_ms <= ?", "", query.untilMs});
  }
  return out;
}

std::string normalizeAddress(std::string_view address) {
  size_t begin = 0;
  size_t end = address.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(address[begin]))) {
    ++begin;
  }
  while (end > begin && std::isspace(static_cast<unsigned char>(address[end - 1]))) {
    --end;
  }
  std::string_view trimmed = address.substr(begin, end - begin);
  std::string out;
  if (trimmed.find('@') != std::string_view::npos) {
    for (char c : trimmed) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
  }
  bool phone = !trimmed.empty() && (trimmed[0] == '+' || std::isdigit(static_cast<unsigned char>(
                                                             trimmed[0])));
  for (char c : trimmed) {
    if (phone && !(c == '+' || std::isdigit(static_cast<unsigned char>(c)))) {
      if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') {
        continue;
      }
      return std::string(trimmed);  // not a phone number after all: keep it as it is
    }
    out += c;
  }
  return out;
}

}  // namespace notify::core
