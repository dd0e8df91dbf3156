// SPDX-License-Identifier: Apache-2.0
#include "core/common/json_writer.hpp"

#include <algorithm>

#include "core/common/json_scan.hpp"

namespace notify::core {

void appendJsonString(std::string& out, std::string_view text) {
  static const char kHex[] = "0123456789abcdef";
  out.reserve(out.size() + text.size() + 2);
  out.push_back('"');
  size_t plain = 0;  // start of the run of characters copied as they are
  for (size_t i = plainJsonRun(text, 0, false); i < text.size();
       i = plainJsonRun(text, i + 1, false)) {
    const auto c = static_cast<unsigned char>(text[i]);
    out.append(text.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out.push_back(kHex[(c >> 4) & 0xF]);
        out.push_back(kHex[c & 0xF]);
    }
  }
  out.append(text.data() + plain, text.size() - plain);
  out.push_back('"');
}

void JsonWriter::separate() {
  if (needComma_) {
    out_.push_back(',');
  }
}

JsonWriter& JsonWriter::open(char c) {
  separate();
  out_.push_back(c);
  needComma_ = false;
  return *this;
}

JsonWriter& JsonWriter::close(char c) {
  out_.push_back(c);
  needComma_ = true;
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  separate();
  appendJsonString(out_, name);
  out_.push_back(':');
  needComma_ = false;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  separate();
  appendJsonString(out_, text);
  needComma_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(int64_t number) {
  separate();
  out_ += std::to_string(number);
  needComma_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  separate();
  out_ += flag ? "true" : "false";
  needComma_ = true;
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  separate();
  out_.append(json);
  needComma_ = true;
  return *this;
}

std::string jsonObjectOf(const std::vector<std::pair<std::string, std::string>>& pairs) {
  size_t bytes = 2;
  for (const auto& [key, value] : pairs) {
    bytes += key.size() + value.size() + 6;  // two pairs of quotes, a colon and a comma
  }
  JsonWriter w;
  w.reserve(bytes).beginObject();
  for (const auto& [key, value] : pairs) {
    w.key(key).value(value);
  }
  w.endObject();
  return w.take();
}

std::string jsonArrayOf(const std::vector<std::string>& items) {
  size_t bytes = 2;
  for (const auto& item : items) {
    bytes += item.size() + 3;
  }
  JsonWriter w;
  w.reserve(bytes).beginArray();
  for (const auto& item : items) {
    w.value(item);
  }
  w.endArray();
  return w.take();
}

void sortByKey(std::vector<std::pair<std::string, std::string>>& pairs) {
  std::sort(pairs.begin(), pairs.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
}

}  // namespace notify::core
