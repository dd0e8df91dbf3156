// SPDX-License-Identifier: Apache-2.0
#include "core/templates/renderer.hpp"

#include <functional>
#include <optional>

#include "core/common/json_writer.hpp"

namespace notify::core {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') {
    s.remove_prefix(1);
  }
  while (!s.empty() && s.back() == ' ') {
    s.remove_suffix(1);
  }
  return s;
}

// Calls onText for literal runs and onName for placeholder names, in order.
void scan(std::string_view text, const std::function<void(std::string_view)>& onText,
          const std::function<bool(std::string_view)>& onName) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("{{", pos);
    size_t close = open == std::string_view::npos ? open : text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      onText(text.substr(pos));
      return;
    }
    onText(text.substr(pos, open - pos));
    if (!onName(trim(text.substr(open + 2, close - open - 2)))) {
      return;
    }
    pos = close + 2;
  }
}

void appendEscaped(std::string& out, std::string_view value, Escape escape) {
  switch (escape) {
    case Escape::kNone:
      out.append(value);
      return;
    case Escape::kJson: {
      std::string quoted;
      appendJsonString(quoted, value);
      out.append(quoted, 1, quoted.size() - 2);  // without the surrounding quotes
      return;
    }
    case Escape::kHtml:
      for (char c : value) {
        switch (c) {
          case '&':
            out.append("&amp;");
            break;
          case '<':
            out.append("&lt;");
            break;
          case '>':
            out.append("&gt;");
            break;
          case '"':
            out.append("&quot;");
            break;
          case '\'':
            out.append("&#39;");
            break;
          default:
            out.push_back(c);
        }
      }
      return;
  }
}

}  // namespace

std::vector<std::string> placeholdersOf(std::string_view text) {
  std::vector<std::string> names;
  scan(
      text, [](std::string_view) {},
      [&](std::string_view name) {
        names.emplace_back(name);
        return true;
      });
  return names;
}

Result<std::string> renderText(std::string_view text, const KeyValues& vars,
                               std::string_view templateName, Escape escape) {
  std::string out;
  out.reserve(text.size() + 32);
  std::optional<std::string> missing;  // optional: "{{}}" names the empty variable
  scan(
      text, [&](std::string_view literal) { out.append(literal); },
      [&](std::string_view name) {
        for (const auto& [key, value] : vars) {
          if (key == name) {
            appendEscaped(out, value, escape);
            return true;
          }
        }
        missing = std::string(name);
        return false;
      });
  if (missing) {
    return makeError(
        "missing_variable",
        "template '" + std::string(templateName) + "' needs variable '" + *missing + "'",
        "vars." + *missing);
  }
  return out;
}

}  // namespace notify::core
