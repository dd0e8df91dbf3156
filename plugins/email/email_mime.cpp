// SPDX-License-Identifier: Apache-2.0
#include "plugins/email/email_mime.hpp"

#include <Poco/Base64Encoder.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "plugins/common/ascii_text.hpp"
#include "plugins/common/time_format.hpp"

namespace notify::plugin::email {
namespace {

constexpr size_t kMaxLine = 76;          // RFC 2047's limit for lines with encoded-words
constexpr size_t kMaxWord = 75;          // RFC 2047 section 2
constexpr size_t kWordOverhead = 12;     // "=?UTF-8?B?" + "?="
constexpr size_t kBase64LineChars = 76;  // RFC 2045 section 6.8
constexpr size_t kMaxPlainRun = 900;     // a longer unbreakable run would pass 998 octets
constexpr size_t kMaxAddress = 254;

bool isAtext(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool isDomainChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '[' || c == ']' || c == ':';
}

// The display name of "\"Shop, Inc.\" <a@b>" without its quotes and escapes.
std::string unquote(std::string_view name) {
  if (name.size() < 2 || name.front() != '"' || name.back() != '"') {
    return std::string(name);
  }
  std::string out;
  for (size_t i = 1; i + 1 < name.size(); ++i) {
    if (name[i] == '\\' && i + 2 < name.size()) {
      ++i;
    }
    out.push_back(name[i]);
  }
  return out;
}

// Line breaks in header text become spaces: a rendered subject must never start a header.
std::string singleLine(std::string_view text) {
  std::string out(text);
  std::replace_if(
      out.begin(), out.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  return out;
}

// A display name as a phrase: atoms as is, other ASCII quoted, anything else encoded.
std::string phrase(std::string_view name, size_t firstMax) {
  const bool atoms =
      std::all_of(name.begin(), name.end(), [](char c) { return isAtext(c) || c == ' '; });
  if (atoms) {
    return std::string(name);
  }
  if (isPlainHeaderText(name)) {
    std::string quoted = "\"";
    for (char c : name) {
      if (c == '"' || c == '\\') {
        quoted.push_back('\\');
      }
      quoted.push_back(c);
    }
    return quoted + "\"";
  }
  std::string out;
  for (const std::string& word : encodedWords(name, firstMax)) {
    out += (out.empty() ? "" : " ") + word;
  }
  return out;
}

}  // namespace

bool isValidAddress(std::string_view address) {
  const size_t at = address.rfind('@');
  if (address.size() > kMaxAddress || at == std::string_view::npos || at == 0 ||
      at + 1 == address.size()) {
    return false;
  }
  const std::string_view local = address.substr(0, at);
  const std::string_view domain = address.substr(at + 1);
  const bool localOk =
      local.front() != '.' && local.back() != '.' &&
      std::all_of(local.begin(), local.end(), [](char c) { return isAtext(c) || c == '.'; });
  return localOk && std::all_of(domain.begin(), domain.end(), isDomainChar);
}

std::optional<Mailbox> parseMailbox(std::string_view text) {
  text = common::trim(text, common::kBlanks);
  if (std::any_of(text.begin(), text.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 && c != '\t'; })) {
    return std::nullopt;  // a line break in a configured sender is a mistake, never a name
  }
  Mailbox mailbox;
  const size_t open = text.rfind('<');
  if (!text.empty() && text.back() == '>' && open != std::string_view::npos) {
    mailbox.address = std::string(text.substr(open + 1, text.size() - open - 2));
    mailbox.displayName = unquote(common::trim(text.substr(0, open), common::kBlanks));
  } else {
    mailbox.address = std::string(text);
  }
  if (!isValidAddress(mailbox.address)) {
    return std::nullopt;
  }
  return mailbox;
}

std::optional<std::vector<std::string>> parseAddressList(std::string_view text) {
  std::vector<std::string> addresses;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) {
      comma = text.size();
    }
    const std::string_view item = common::trim(text.substr(start, comma - start), common::kBlanks);
    if (!isValidAddress(item)) {
      return std::nullopt;
    }
    addresses.emplace_back(item);
    start = comma + 1;
  }
  return addresses;
}

std::string domainOf(std::string_view address) {
  const size_t at = address.rfind('@');
  return std::string(at == std::string_view::npos ? address : address.substr(at + 1));
}

std::string base64(std::string_view bytes) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  encoder.close();
  return out.str();
}

std::string base64Lines(std::string_view bytes) {
  const std::string encoded = base64(bytes);
  std::string out;
  out.reserve(encoded.size() + encoded.size() / kBase64LineChars * 2 + 2);
  for (size_t i = 0; i < encoded.size(); i += kBase64LineChars) {
    out.append(encoded, i, kBase64LineChars).append("\r\n");
  }
  return out;
}

std::string canonicalLineBreaks(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') {
        ++i;
      }
    } else if (text[i] == '\n') {
      out += "\r\n";
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::vector<std::string> encodedWords(std::string_view text, size_t firstMax) {
  std::vector<std::string> words;
  size_t start = 0;
  while (start < text.size()) {
    const size_t maxChars =
        std::clamp(words.empty() ? firstMax : kMaxWord, kWordOverhead + 4, kMaxWord);
    const size_t maxBytes = (maxChars - kWordOverhead) / 4 * 3;
    size_t end = start;
    while (end < text.size()) {
      size_t next = end + 1;  // past one UTF-8 character: its lead byte and continuations
      while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80) {
        ++next;
      }
      if (next - start > maxBytes) {
        // A character longer than a whole word is invalid UTF-8: cut it rather than loop.
        end = end == start ? start + maxBytes : end;
        break;
      }
      end = next;
    }
    words.push_back("=?UTF-8?B?" + base64(text.substr(start, end - start)) + "?=");
    start = end;
  }
  return words;
}

bool isPlainHeaderText(std::string_view text) {
  size_t run = 0;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u >= 0x7F) {
      return false;
    }
    run = c == ' ' || c == '\t' ? 0 : run + 1;
    if (run > kMaxPlainRun) {
      return false;
    }
  }
  return text.find("=?") == std::string_view::npos;
}

std::string foldHeader(std::string_view name, std::string_view value) {
  std::string out(name);
  out += ": ";
  size_t lineLength = out.size();
  size_t pieceStart = 0;
  // A piece runs up to the next space that precedes a non-space: folding happens before that
  // space, so unfolding (removing the CRLF) gives back the value exactly.
  for (size_t i = 1; i <= value.size(); ++i) {
    const bool breakHere =
        i == value.size() || (value[i] == ' ' && i + 1 < value.size() && value[i + 1] != ' ');
    if (!breakHere) {
      continue;
    }
    const std::string_view piece = value.substr(pieceStart, i - pieceStart);
    if (pieceStart > 0 && lineLength + piece.size() > kMaxLine) {
      out += "\r\n";
      lineLength = 0;
    }
    out += piece;
    lineLength += piece.size();
    pieceStart = i;
  }
  return out + "\r\n";
}

std::string unstructuredHeader(std::string_view name, std::string_view text) {
  const std::string line = singleLine(text);
  if (isPlainHeaderText(line)) {
    return foldHeader(name, line);
  }
  std::string value;
  for (const std::string& word : encodedWords(line, kMaxLine - name.size() - 2)) {
    value += (value.empty() ? "" : " ") + word;
  }
  return foldHeader(name, value);
}

std::string mailboxHeader(std::string_view name, const Mailbox& mailbox) {
  if (mailbox.displayName.empty()) {
    return foldHeader(name, mailbox.address);
  }
  return foldHeader(
      name, phrase(mailbox.displayName, kMaxLine - name.size() - 2) + " <" + mailbox.address + ">");
}

std::string formatDate(int64_t unixMs) {
  static constexpr std::string_view kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const common::UtcParts p = common::utcParts(unixMs);
  char text[48];
  const int length = std::snprintf(text, sizeof(text), "%s, %02u %s %04d %02d:%02d:%02d +0000",
                                   kDays[p.weekday].data(), p.day, kMonths[p.month - 1].data(),
                                   p.year, p.hours, p.minutes, p.seconds);
  return std::string(text, static_cast<size_t>(length));
}

}  // namespace notify::plugin::email
