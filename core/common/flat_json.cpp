// SPDX-License-Identifier: Apache-2.0
// Reads the flat JSON objects the store keeps (`to`, `vars`, `attrs`): {"key": "value", ...}.
// This runs for every message the dispatcher sends and every recipient the store indexes, so it
// scans the text once and allocates only the strings it returns, where a DOM parser allocated a
// node per value.
#include <algorithm>
#include <cstdint>
#include <string_view>

#include "core/common/json_writer.hpp"

namespace notify::core {
namespace {

class FlatObjectReader {
 public:
  explicit FlatObjectReader(std::string_view text) : text_(text) {}

  // False on anything but one object whose values are strings, numbers, booleans or null.
  bool read(std::vector<std::pair<std::string, std::string>>& out) {
    skipSpace();
    if (!consume('{')) {
      return false;
    }
    skipSpace();
    if (consume('}')) {
      return atEnd();
    }
    for (;;) {
      std::pair<std::string, std::string> pair;
      skipSpace();
      if (!readString(pair.first)) {
        return false;
      }
      skipSpace();
      if (!consume(':')) {
        return false;
      }
      skipSpace();
      if (!readValue(pair.second)) {
        return false;
      }
      out.push_back(std::move(pair));
      skipSpace();
      if (consume('}')) {
        return atEnd();
      }
      if (!consume(',')) {
        return false;
      }
    }
  }

 private:
  bool atEnd() {
    skipSpace();
    return pos_ == text_.size();
  }
  void skipSpace() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\r' || text_[pos_] == '\t')) {
      ++pos_;
    }
  }
  bool consume(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  // A string value as itself; any other scalar as its JSON text ("12", "true"), as a DOM
  // parser's conversion to string would give; null as "".
  bool readValue(std::string& out) {
    if (pos_ < text_.size() && text_[pos_] == '"') {
      return readString(out);
    }
    size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '}' &&
           text_[pos_] != ' ' && text_[pos_] != '\n' && text_[pos_] != '\r' &&
           text_[pos_] != '\t') {
      ++pos_;
    }
    std::string_view scalar = text_.substr(start, pos_ - start);
    if (scalar == "null") {
      out.clear();
      return true;
    }
    if (scalar == "true" || scalar == "false" || isNumber(scalar)) {
      out.assign(scalar);
      return true;
    }
    return false;
  }

  static bool isNumber(std::string_view s) {
    size_t i = 0;
    auto digits = [&] {
      size_t from = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        ++i;
      }
      return i > from;
    };
    if (i < s.size() && s[i] == '-') {
      ++i;
    }
    if (!digits()) {
      return false;
    }
    if (i < s.size() && s[i] == '.') {
      ++i;
      if (!digits()) {
        return false;
      }
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      ++i;
      if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        ++i;
      }
      if (!digits()) {
        return false;
      }
    }
    return i == s.size();
  }

  bool readString(std::string& out) {
    if (!consume('"')) {
      return false;
    }
    out.clear();
    for (;;) {
      size_t run = pos_;
      while (pos_ < text_.size() && text_[pos_] != '"' && text_[pos_] != '\\' &&
             static_cast<unsigned char>(text_[pos_]) >= 0x20) {
        ++pos_;
      }
      out.append(text_.data() + run, pos_ - run);
      if (pos_ >= text_.size() || static_cast<unsigned char>(text_[pos_]) < 0x20) {
        return false;
      }
      if (text_[pos_++] == '"') {
        return true;
      }
      if (!readEscape(out)) {
        return false;
      }
    }
  }

  bool readEscape(std::string& out) {
    if (pos_ >= text_.size()) {
      return false;
    }
    char c = text_[pos_++];
    switch (c) {
      case '"': out += '"'; return true;
      case '\\': out += '\\'; return true;
      case '/': out += '/'; return true;
      case 'b': out += '\b'; return true;
      case 'f': out += '\f'; return true;
      case 'n': out += '\n'; return true;
      case 'r': out += '\r'; return true;
      case 't': out += '\t'; return true;
      case 'u': break;
      default: return false;
    }
    uint32_t code;
    if (!readHex4(code)) {
      return false;
    }
    if (code >= 0xD800 && code <= 0xDBFF) {  // a high surrogate needs its low half
      uint32_t low;
      if (!consume('\\') || !consume('u') || !readHex4(low) || low < 0xDC00 || low > 0xDFFF) {
        return false;
      }
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
    } else if (code >= 0xDC00 && code <= 0xDFFF) {
      return false;
    }
    appendUtf8(out, code);
    return true;
  }

  bool readHex4(uint32_t& code) {
    if (text_.size() - pos_ < 4) {
      return false;
    }
    code = 0;
    for (int i = 0; i < 4; ++i) {
      char h = text_[pos_++];
      code <<= 4;
      if (h >= '0' && h <= '9') {
        code |= static_cast<uint32_t>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        code |= static_cast<uint32_t>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        code |= static_cast<uint32_t>(h - 'A' + 10);
      } else {
        return false;
      }
    }
    return true;
  }

  static void appendUtf8(std::string& out, uint32_t code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::vector<std::pair<std::string, std::string>> parseJsonObjectOfStrings(const std::string& json) {
  std::vector<std::pair<std::string, std::string>> pairs;
  if (!FlatObjectReader(json).read(pairs)) {
    return {};
  }
  // Sorted by key, a repeated key keeping its last value: the order and meaning callers saw
  // from the DOM parser this replaced.
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  auto last = std::unique(pairs.rbegin(), pairs.rend(),
                          [](const auto& a, const auto& b) { return a.first == b.first; });
  pairs.erase(pairs.begin(), last.base());
  return pairs;
}

}  // namespace notify::core
