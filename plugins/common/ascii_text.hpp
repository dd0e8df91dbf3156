// SPDX-License-Identifier: Apache-2.0
// ASCII text pieces several plugins need for header names, configured values and signing input:
// trimming and lower-casing by byte, with no locale, so the result never depends on the host.
#pragma once

#include <string>
#include <string_view>

namespace notify::plugin::common {

// Spaces and tabs: the whitespace inside a header line (folding whitespace, RFC 5322 WSP).
inline constexpr std::string_view kBlanks = " \t";
// Blanks and line breaks: what surrounds a value read from a file or an answer.
inline constexpr std::string_view kWhitespace = " \t\r\n";

// text without the leading and trailing characters listed in chars.
std::string_view trim(std::string_view text, std::string_view chars = kWhitespace);

// text with A-Z lowered and every other byte (UTF-8 included) as it is.
std::string lowerAscii(std::string_view text);

}  // namespace notify::plugin::common
