// SPDX-License-Identifier: Apache-2.0
// A minimal JSON object writer for the records plugins send or store. The SDK carries no JSON
// library on purpose (a plugin must not drag one into the host's process), and plugins only
// ever write flat objects of strings and integers, so this is all they need.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace notify::plugin::common {

// Appends text as a JSON string literal. Quotes, backslashes and control characters are
// escaped; valid UTF-8 passes through unchanged; each byte of an invalid UTF-8 sequence becomes
// U+FFFD, so the output is valid JSON whatever the input.
void appendJsonString(std::string& out, std::string_view text);

// Writes objects, keys in call order, no whitespace. Nesting is the caller's job: every
// beginObject() needs its endObject().
class JsonWriter {
 public:
  JsonWriter& beginObject();
  JsonWriter& beginObject(std::string_view key);
  JsonWriter& endObject();
  JsonWriter& field(std::string_view key, std::string_view value);
  JsonWriter& field(std::string_view key, int64_t value);

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void key(std::string_view name);
  void separate();

  std::string out_;
  bool needComma_ = false;
};

}  // namespace notify::plugin::common
