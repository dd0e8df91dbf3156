// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/common/result.hpp"

namespace notify::core {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// The names used as {{name}} placeholders in a template text, in order of appearance.
std::vector<std::string> placeholdersOf(std::string_view text);

// Replaces each {{name}} (spaces inside the braces allowed) with its value from vars. A
// placeholder without a value is an error naming the variable ("missing_variable", field
// "vars.NAME"). Text outside placeholders is copied as is.
// escape says where the result goes: values (never the template's own text) are escaped for
// HTML (email HTML bodies) or for the inside of a JSON string (card JSON bodies).
enum class Escape { kNone, kHtml, kJson };
Result<std::string> renderText(std::string_view text, const KeyValues& vars,
                               std::string_view templateName, Escape escape = Escape::kNone);

}  // namespace notify::core
