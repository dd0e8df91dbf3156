// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace notify::core {

// Appends compact JSON to a string. Commas are placed automatically; the caller keeps objects
// and arrays balanced. Faster than building a DOM for the replies on the hot path.
class JsonWriter {
 public:
  JsonWriter& beginObject() { return open('{'); }
  JsonWriter& endObject() { return close('}'); }
  JsonWriter& beginArray() { return open('['); }
  JsonWriter& endArray() { return close(']'); }

  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& value(int64_t number);
  JsonWriter& value(bool flag);
  // Inserts already-encoded JSON (e.g. an echoed req_id).
  JsonWriter& raw(std::string_view json);

  // Convenience: "name": value, skipped when the text is empty.
  JsonWriter& optional(std::string_view name, std::string_view text) {
    return text.empty() ? *this : key(name).value(text);
  }

  // Room for about bytes of output, so building a known-size document does not regrow.
  JsonWriter& reserve(size_t bytes) {
    out_.reserve(bytes);
    return *this;
  }

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  JsonWriter& open(char c);
  JsonWriter& close(char c);
  void separate();

  std::string out_;
  bool needComma_ = false;
};

// Appends text as a quoted JSON string, escaping quotes, backslashes and control characters.
// UTF-8 passes through unchanged.
void appendJsonString(std::string& out, std::string_view text);

// {"k": "v", ...} from pairs; ["a", ...] from strings.
std::string jsonObjectOf(const std::vector<std::pair<std::string, std::string>>& pairs);
std::string jsonArrayOf(const std::vector<std::string>& items);

// Reads back what jsonObjectOf wrote (a flat object of strings; numbers, booleans and null are
// read as their text, null as ""), sorted by key, a repeated key keeping its last value.
// Malformed input gives {}. In flat_json.cpp, on the JSON reader of json_reader.hpp.
std::vector<std::pair<std::string, std::string>> parseJsonObjectOfStrings(const std::string& json);

// Sorts name/value pairs with distinct names by name: the order the maps of a request and of a
// stored message have always been read in (they were std::maps once).
void sortByKey(std::vector<std::pair<std::string, std::string>>& pairs);

}  // namespace notify::core
