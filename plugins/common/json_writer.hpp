// SPDX-License-Identifier: Apache-2.0
// A minimal JSON writer for the records and provider requests plugins send or store. The SDK
// carries no JSON library on purpose (a plugin must not drag one into the host's process);
// objects, arrays, strings, integers and already-serialised values are all plugins need.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace notify::plugin::common {

// Appends text as a JSON string literal. Quotes, backslashes and control characters are
// escaped; valid UTF-8 passes through unchanged; each byte of an invalid UTF-8 sequence becomes
// U+FFFD, so the output is valid JSON whatever the input.
void appendJsonString(std::string& out, std::string_view text);

// Writes objects and arrays, keys in call order, no whitespace. Nesting is the caller's job:
// every begin needs its end. The key-less forms write array elements (or the root).
class JsonWriter {
 public:
  JsonWriter& beginObject();
  JsonWriter& beginObject(std::string_view key);
  JsonWriter& endObject();
  JsonWriter& beginArray();
  JsonWriter& beginArray(std::string_view key);
  JsonWriter& endArray();
  JsonWriter& field(std::string_view key, std::string_view value);
  JsonWriter& field(std::string_view key, int64_t value);
  JsonWriter& boolField(std::string_view key, bool value);  // not an overload: 0 would be ambiguous
  JsonWriter& element(std::string_view value);  // a string array element
  // A value that is already JSON text (e.g. a validated card). The caller vouches for it.
  JsonWriter& rawField(std::string_view key, std::string_view json);

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void key(std::string_view name);
  void separate();

  std::string out_;
  bool needComma_ = false;
};

}  // namespace notify::plugin::common
