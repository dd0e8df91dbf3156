// SPDX-License-Identifier: Apache-2.0
#include "plugins/common/json_writer.hpp"

#include <array>

namespace notify::plugin::common {
namespace {

// Length of the well-formed UTF-8 sequence starting at text[i] (RFC 3629, table 3-7 of the
// Unicode standard: no overlongs, no surrogates, nothing above U+10FFFF), or 0 if there is none.
size_t utf8SequenceLength(std::string_view text, size_t i) {
  auto byteAt = [&](size_t k) -> unsigned {
    return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0u;
  };
  const unsigned lead = byteAt(0);
  size_t length = 0;
  unsigned low = 0x80;
  unsigned high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    low = lead == 0xE0 ? 0xA0 : low;
    high = lead == 0xED ? 0x9F : high;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    low = lead == 0xF0 ? 0x90 : low;
    high = lead == 0xF4 ? 0x8F : high;
  } else {
    return 0;
  }
  if (byteAt(1) < low || byteAt(1) > high) {
    return 0;
  }
  for (size_t k = 2; k < length; ++k) {
    if (byteAt(k) < 0x80 || byteAt(k) > 0xBF) {
      return 0;
    }
  }
  return length;
}

void appendEscapedAscii(std::string& out, char c) {
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default:
      break;
  }
  static constexpr std::array<char, 16> kHex = {'0', '1', '2', '3', '4', '5', '6', '7',
                                                '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  const auto byte = static_cast<unsigned char>(c);
  out += "\\u00";
  out += kHex[byte >> 4];
  out += kHex[byte & 0xF];
}

}  // namespace

void appendJsonString(std::string& out, std::string_view text) {
  out.reserve(out.size() + text.size() + 2);
  out += '"';
  size_t runStart = 0;  // copy unescaped stretches in one append
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte < 0x80 && byte != '"' && byte != '\\') {
      ++i;
      continue;
    }
    if (byte >= 0x80) {
      if (size_t length = utf8SequenceLength(text, i); length > 0) {
        i += length;
        continue;
      }
    }
    out.append(text.substr(runStart, i - runStart));
    if (byte >= 0x80) {
      out += "\\ufffd";
    } else {
      appendEscapedAscii(out, text[i]);
    }
    runStart = ++i;
  }
  out.append(text.substr(runStart));
  out += '"';
}

JsonWriter& JsonWriter::beginObject() {
  separate();
  out_ += '{';
  needComma_ = false;
  return *this;
}

JsonWriter& JsonWriter::beginObject(std::string_view name) {
  key(name);
  out_ += '{';
  needComma_ = false;
  return *this;
}

JsonWriter& JsonWriter::endObject() {
  out_ += '}';
  needComma_ = true;
  return *this;
}

JsonWriter& JsonWriter::beginArray() {
  separate();
  out_ += '[';
  needComma_ = false;
  return *this;
}

JsonWriter& JsonWriter::beginArray(std::string_view name) {
  key(name);
  out_ += '[';
  needComma_ = false;
  return *this;
}

JsonWriter& JsonWriter::endArray() {
  out_ += ']';
  needComma_ = true;
  return *this;
}

JsonWriter& JsonWriter::element(std::string_view value) {
  separate();
  appendJsonString(out_, value);
  needComma_ = true;
  return *this;
}

JsonWriter& JsonWriter::rawField(std::string_view name, std::string_view json) {
  key(name);
  out_.append(json);
  needComma_ = true;
  return *this;
}

JsonWriter& JsonWriter::boolField(std::string_view name, bool value) {
  key(name);
  out_ += value ? "true" : "false";
  needComma_ = true;
  return *this;
}

JsonWriter& JsonWriter::field(std::string_view name, std::string_view value) {
  key(name);
  appendJsonString(out_, value);
  needComma_ = true;
  return *this;
}

JsonWriter& JsonWriter::field(std::string_view name, int64_t value) {
  key(name);
  out_ += std::to_string(value);
  needComma_ = true;
  return *this;
}

void JsonWriter::key(std::string_view name) {
  separate();
  appendJsonString(out_, name);
  out_ += ':';
}

void JsonWriter::separate() {
  if (needComma_) {
    out_ += ',';
  }
}

}  // namespace notify::plugin::common
