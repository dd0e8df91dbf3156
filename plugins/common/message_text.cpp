// SPDX-License-Identifier: Apache-2.0
#include "plugins/common/message_text.hpp"

#include "plugins/common/ascii_text.hpp"

namespace notify::plugin::common {

std::vector<std::string> splitList(std::string_view text, char separator) {
  std::vector<std::string> items;
  while (!text.empty()) {
    const size_t end = text.find(separator);
    const std::string_view item = trim(text.substr(0, end));
    if (!item.empty()) {
      items.emplace_back(item);
    }
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
  }
  return items;
}

std::string chatText(const sdk::Message& message, bool markdown) {
  const std::string_view subject = message.subject();
  if (subject.empty()) {
    return std::string(message.body());
  }
  std::string text = markdown ? "**" + std::string(subject) + "**" : std::string(subject);
  return text.append("\n").append(message.body());
}

TemplateParams templateParams(const sdk::Message& message, bool allVarsByDefault) {
  TemplateParams out;
  const notify_message& raw = message.raw();
  const std::string_view names = message.attr("params");
  if (names.empty()) {
    for (size_t i = 0; allVarsByDefault && i < raw.vars_count; ++i) {
      out.values.emplace_back(std::string(sdk::view(raw.vars[i].key)),
                              std::string(sdk::view(raw.vars[i].value)));
    }
    return out;
  }
  for (const std::string& name : splitList(names)) {
    bool present = false;
    for (size_t i = 0; i < raw.vars_count && !present; ++i) {
      present = sdk::view(raw.vars[i].key) == name;
    }
    if (!present && out.missing.empty()) {
      out.missing = name;
    }
    out.values.emplace_back(name, std::string(message.var(name)));
  }
  return out;
}

}  // namespace notify::plugin::common
