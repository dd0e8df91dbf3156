// SPDX-License-Identifier: Apache-2.0
// Turning a message into the pieces chat and template providers take: the text of a chat
// message, separated attribute lists (mentions, several user ids) and the ordered template
// parameters named by attr "params".
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "notify/channel.hpp"

namespace notify::plugin::common {

// The items of a separated list ("a, b,,c" gives a, b, c): trimmed, empty ones dropped.
std::vector<std::string> splitList(std::string_view text, char separator = ',');

// The text of a chat message: the body, under the subject when there is one, as its own first
// line in plain text and as a bold first line in markdown.
std::string chatText(const sdk::Message& message, bool markdown);

// Template parameters as (variable name, value) pairs. With attr "params" (comma-separated
// variable names), exactly those variables in that order; without it, every variable of the
// message in the caller's order when allVarsByDefault, else none. missing names a listed
// variable the message does not carry (the pairs are then incomplete).
struct TemplateParams {
  std::vector<std::pair<std::string, std::string>> values;
  std::string missing;
};
TemplateParams templateParams(const sdk::Message& message, bool allVarsByDefault);

}  // namespace notify::plugin::common
