// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

namespace notify::fakeprov {

// Signing primitives the fake providers verify with, implemented with Poco independently of
// the plugins' code, so a test compares two implementations rather than one with itself.
std::string hmacSha256(std::string_view key, std::string_view data);  // raw bytes
std::string hmacSha1(std::string_view key, std::string_view data);    // raw bytes
std::string sha256(std::string_view data);                             // raw bytes
std::string sha1(std::string_view data);                               // raw bytes
std::string hex(std::string_view bytes);                               // lower case
std::string base64(std::string_view bytes);
std::string base64Decode(std::string_view text);  // throws on invalid input
// RFC 3986 percent-encoding: unreserved characters kept, everything else %XX upper case.
std::string percentEncode(std::string_view text);
bool constantTimeEquals(std::string_view a, std::string_view b);

}  // namespace notify::fakeprov
