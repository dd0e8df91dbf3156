// SPDX-License-Identifier: Apache-2.0
// RFC 5322 / MIME building blocks for the email channel: addresses, RFC 2047 encoded-words,
// header folding, the Date header and base64 bodies. Pure functions, no network, no host.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace notify::plugin::email {

// A mailbox as written in From: an optional display name and the addr-spec.
struct Mailbox {
  std::string displayName;  // UTF-8, may be empty
  std::string address;      // local@domain, ASCII
};

// True for an ASCII addr-spec local@domain without spaces, controls, quotes or angle brackets
// (what can go between < > in MAIL FROM / RCPT TO without quoting). Non-ASCII addresses would
// need SMTPUTF8, which this plugin does not speak.
bool isValidAddress(std::string_view address);

// "Name <a@b.c>", "\"Shop, Inc.\" <a@b.c>", "<a@b.c>" or "a@b.c"; nullopt when malformed.
std::optional<Mailbox> parseMailbox(std::string_view text);

// Comma-separated addr-specs ("a@x.com, b@y.org"); nullopt when empty or any is invalid.
std::optional<std::vector<std::string>> parseAddressList(std::string_view text);

// The part after the last '@'.
std::string domainOf(std::string_view address);

// Standard base64 of bytes, one line.
std::string base64(std::string_view bytes);

// Base64 in lines of 76 characters, each ending in CRLF (RFC 2045 section 6.8).
std::string base64Lines(std::string_view bytes);

// Text with every line break (CRLF, lone LF, lone CR) as CRLF: the canonical form of a text
// body before it is base64-encoded (RFC 2046 section 4.1.1).
std::string canonicalLineBreaks(std::string_view text);

// RFC 2047 B-encoded UTF-8 words for text. The first word is at most firstMax characters, the
// others at most 75, and no word splits a UTF-8 character, so a header folded between the
// words keeps every line within 76 characters.
std::vector<std::string> encodedWords(std::string_view text, size_t firstMax);

// Whether unstructured header text can be sent as is: printable ASCII and tabs, no "=?"
// that a reader would take for an encoded-word.
bool isPlainHeaderText(std::string_view text);

// "Name: value" folded at spaces so lines stay within 76 characters where the value allows
// it; each continuation line starts with a space. Ends in CRLF.
std::string foldHeader(std::string_view name, std::string_view value);

// An unstructured header (Subject) as a complete folded line: as is when plain, else as
// encoded-words. Line breaks in the text become spaces so it cannot inject headers.
std::string unstructuredHeader(std::string_view name, std::string_view text);

// A mailbox header (From) with its display name quoted or encoded as needed.
std::string mailboxHeader(std::string_view name, const Mailbox& mailbox);

// RFC 5322 date-time in UTC, e.g. "Tue, 14 Nov 2023 22:13:20 +0000".
std::string formatDate(int64_t unixMs);

}  // namespace notify::plugin::email
