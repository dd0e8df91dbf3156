// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace notify::core {

// A strict JSON reader for the request path. It parses a whole text into a flat tape of tokens
// that point into the text, so reading a request allocates the tape and nothing per value:
// strings are string_views into the text, and only strings with escapes are unescaped (once,
// into one buffer owned by the document).
//
// Strict means RFC 8259 and nothing more: no comments, no trailing commas, no NaN, no leading
// zeros, strings must be valid UTF-8 (no overlong forms, no encoded surrogates, nothing above
// U+10FFFF) and \u escapes must pair surrogates. Beyond the grammar it refuses nesting deeper
// than maxDepth, so a hostile frame cannot exhaust memory or time, and (by default) duplicate
// keys in one object (RFC 7493, I-JSON), so no two readers of a request can see different values.

enum class JsonKind : uint8_t { kNull, kFalse, kTrue, kNumber, kString, kArray, kObject };

struct JsonLimits {
  size_t maxDepth = 64;
  // Requests refuse a repeated key; text the daemon stored itself may be read leniently (the
  // last value wins, as every DOM parser used here before did).
  bool refuseDuplicateKeys = true;
  // Requests refuse U+0000 (NUL) in a string or key: PostgreSQL's text cannot hold it, C
  // strings end at it, and a stored message must read the same from either store.
  bool refuseNul = true;
};

// Why a text was refused. path names where (e.g. "messages[3].to.phone"), empty at the top.
struct JsonError {
  enum class Kind : uint8_t { kSyntax, kDuplicateKey, kNul };
  Kind kind = Kind::kSyntax;
  std::string message;  // e.g. "unterminated string"
  size_t offset = 0;    // byte offset into the text
  std::string path;
};

class JsonDocument;

// A view of one value of a document; valid while the document and its text live. A
// default-constructed value is "absent" (what get() returns for a missing key).
class JsonValue {
 public:
  JsonValue() = default;

  explicit operator bool() const { return doc_ != nullptr; }
  JsonKind kind() const;  // kNull for an absent value too; test presence with operator bool
  bool isString() const { return is(JsonKind::kString); }
  bool isNumber() const { return is(JsonKind::kNumber); }
  bool isBool() const { return is(JsonKind::kTrue) || is(JsonKind::kFalse); }
  bool isNull() const { return is(JsonKind::kNull); }
  bool isArray() const { return is(JsonKind::kArray); }
  bool isObject() const { return is(JsonKind::kObject); }

  // Strings: the unescaped content. Numbers, booleans, null: their spelling. Containers: the
  // raw JSON text.
  std::string_view text() const;
  // An integer spelling (no fraction, no exponent) that fits int64_t; nullopt otherwise.
  std::optional<int64_t> integer() const;
  // Members of an object or elements of an array; 0 for scalars.
  size_t size() const;
  // The member named key of an object; absent when there is none or this is not an object.
  JsonValue get(std::string_view key) const;

  class MemberIterator;
  class ElementIterator;
  struct Members;
  struct Elements;
  Members members() const;    // empty unless an object
  Elements elements() const;  // empty unless an array

 private:
  friend class JsonDocument;
  JsonValue(const JsonDocument* doc, uint32_t index) : doc_(doc), index_(index) {}
  bool is(JsonKind k) const { return doc_ != nullptr && kind() == k; }

  const JsonDocument* doc_ = nullptr;
  uint32_t index_ = 0;
};

struct JsonMember {
  std::string_view key;
  JsonValue value;
};

// The parsed form of one text. It refers to the text, which must outlive it.
class JsonDocument {
 public:
  // Parses text; on failure the document is empty and the error says why and where.
  std::optional<JsonError> parse(std::string_view text, const JsonLimits& limits = {});
  JsonValue root() const { return tokens_.empty() ? JsonValue() : JsonValue(this, 0); }

  struct Token {
    JsonKind kind;
    bool decoded;     // string content lives in unescaped_, not in the text
    uint32_t begin;   // content offset (strings: inside the quotes)
    uint32_t length;  // content length (containers: through the closing bracket)
    uint32_t next;    // tape index of the value after this one (skips a container's members)
    uint32_t count;   // containers: members or elements
  };

 private:
  friend class JsonValue;
  friend class JsonParser;
  std::string_view contentOf(const Token& token) const;

  std::string_view text_;
  std::vector<Token> tokens_;  // an object's members are key token, value token(s)
  std::string unescaped_;
};

class JsonValue::MemberIterator {
 public:
  MemberIterator(const JsonDocument* doc, uint32_t keyIndex) : doc_(doc), key_(keyIndex) {}
  JsonMember operator*() const;
  MemberIterator& operator++();
  bool operator!=(const MemberIterator& other) const { return key_ != other.key_; }

 private:
  const JsonDocument* doc_;
  uint32_t key_;
};

class JsonValue::ElementIterator {
 public:
  ElementIterator(const JsonDocument* doc, uint32_t index) : doc_(doc), index_(index) {}
  JsonValue operator*() const { return JsonValue(doc_, index_); }
  ElementIterator& operator++();
  bool operator!=(const ElementIterator& other) const { return index_ != other.index_; }

 private:
  friend class JsonValue;
  const JsonDocument* doc_;
  uint32_t index_;
};

struct JsonValue::Members {
  MemberIterator first, last;
  MemberIterator begin() const { return first; }
  MemberIterator end() const { return last; }
};

struct JsonValue::Elements {
  ElementIterator first, last;
  ElementIterator begin() const { return first; }
  ElementIterator end() const { return last; }
};

}  // namespace notify::core
