// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace notify::core {

// Length of the well-formed UTF-8 sequence at the start of text (RFC 3629; table 3-7 of the
// Unicode standard: no overlong forms, no encoded surrogates, nothing above U+10FFFF), or 0
// if there is none (including an empty text).
size_t utf8SequenceLength(std::string_view text);

// Whether all of text is well-formed UTF-8.
bool isValidUtf8(std::string_view text);

// text with every byte that does not begin a well-formed sequence replaced by U+FFFD, the way
// decoders show bad input (one replacement per byte, so nothing is merged or swallowed). For
// text from outside (plugins, providers) on its way into a store that refuses ill-formed text:
// PostgreSQL would fail the whole commit.
std::string toValidUtf8(std::string_view text);

// Code points in UTF-8 text: the bytes that are not continuation bytes (10xxxxxx). Eight bytes
// a step, since template variables are checked against character limits on every message.
size_t utf8CodePointCount(std::string_view text);

// Appends the UTF-8 encoding of a Unicode scalar value (not a surrogate, at most U+10FFFF).
void appendUtf8(std::string& out, uint32_t codePoint);

}  // namespace notify::core
