// SPDX-License-Identifier: Apache-2.0
#include "core/common/json_reader.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>

#include "core/common/json_scan.hpp"
#include "core/common/utf8.hpp"

namespace notify::core {

using Token = JsonDocument::Token;

// Builds the tape without recursion: an explicit stack of open containers, bounded by maxDepth.
class JsonParser {
 public:
  JsonParser(JsonDocument& doc, std::string_view text, const JsonLimits& limits)
      : doc_(doc),
        text_(text),
        maxDepth_(std::min(limits.maxDepth, kStackSize)),
        refuseDuplicates_(limits.refuseDuplicateKeys),
        refuseNul_(limits.refuseNul) {}

  std::optional<JsonError> run();

 private:
  static constexpr size_t kStackSize = 256;
  static constexpr uint32_t kNoKey = std::numeric_limits<uint32_t>::max();

  bool atEnd() const { return pos_ >= text_.size(); }
  char peek() const { return atEnd() ? '\0' : text_[pos_]; }
  void skipSpace();
  bool value();
  bool string();
  bool escapedString(size_t contentBegin);
  bool escape(std::string& out);
  bool hex4(uint32_t& out);
  bool number();
  bool literal(std::string_view word, JsonKind kind);
  bool openContainer(JsonKind kind);
  bool closeContainer();
  bool uniqueKeys(uint32_t object);
  uint32_t push(JsonKind kind, size_t begin, size_t length);
  bool fail(std::string message);
  bool failDuplicate(std::string_view key);
  std::string path() const;

  JsonDocument& doc_;
  std::string_view text_;
  size_t maxDepth_;
  bool refuseDuplicates_;
  bool refuseNul_;
  size_t pos_ = 0;
  size_t depth_ = 0;
  bool justOpened_ = false;
  std::array<uint32_t, kStackSize> open_{};     // tape index of each open container
  std::array<uint32_t, kStackSize> lastKey_{};  // tape index of its current member's key
  std::optional<JsonError> error_;
};

void JsonParser::skipSpace() {
  while (!atEnd()) {
    char c = text_[pos_];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      return;
    }
    ++pos_;
  }
}

uint32_t JsonParser::push(JsonKind kind, size_t begin, size_t length) {
  auto index = static_cast<uint32_t>(doc_.tokens_.size());
  doc_.tokens_.push_back(Token{kind, false, static_cast<uint32_t>(begin),
                               static_cast<uint32_t>(length), index + 1, 0});
  return index;
}

std::string JsonParser::path() const {
  std::string out;
  for (size_t d = 0; d < depth_; ++d) {
    const Token& container = doc_.tokens_[open_[d]];
    if (container.count == 0) {
      break;
    }
    if (container.kind == JsonKind::kArray) {
      out += "[" + std::to_string(container.count - 1) + "]";
    } else if (lastKey_[d] != kNoKey) {
      out += (out.empty() ? "" : ".");
      out += doc_.contentOf(doc_.tokens_[lastKey_[d]]);
    }
  }
  return out;
}

bool JsonParser::fail(std::string message) {
  if (!error_) {
    error_ = JsonError{JsonError::Kind::kSyntax, std::move(message), pos_, path()};
  }
  return false;
}

bool JsonParser::failDuplicate(std::string_view key) {
  std::string where = path();
  where += (where.empty() ? "" : ".");
  where += key;
  error_ = JsonError{JsonError::Kind::kDuplicateKey, "duplicate key '" + std::string(key) + "'",
                     pos_, std::move(where)};
  return false;
}

bool JsonParser::hex4(uint32_t& out) {
  if (text_.size() - pos_ < 4) {
    return fail("truncated \\u escape");
  }
  out = 0;
  for (int i = 0; i < 4; ++i) {
    char c = text_[pos_++];
    int digit = (c >= '0' && c <= '9')   ? c - '0'
                : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                         : -1;
    if (digit < 0) {
      return fail("bad hex digit in \\u escape");
    }
    out = out * 16 + static_cast<uint32_t>(digit);
  }
  return true;
}

// pos_ is just after a backslash.
bool JsonParser::escape(std::string& out) {
  if (atEnd()) {
    return fail("unterminated string");
  }
  char c = text_[pos_++];
  switch (c) {
    case '"':
      out += '"';
      return true;
    case '\\':
      out += '\\';
      return true;
    case '/':
      out += '/';
      return true;
    case 'b':
      out += '\b';
      return true;
    case 'f':
      out += '\f';
      return true;
    case 'n':
      out += '\n';
      return true;
    case 'r':
      out += '\r';
      return true;
    case 't':
      out += '\t';
      return true;
    case 'u':
      break;
    default:
      --pos_;
      return fail("unknown escape '\\" + std::string(1, c) + "'");
  }
  uint32_t code = 0;
  if (!hex4(code)) {
    return false;
  }
  if (code >= 0xDC00 && code <= 0xDFFF) {
    return fail("unpaired low surrogate in \\u escape");
  }
  if (code >= 0xD800 && code <= 0xDBFF) {
    if (text_.substr(pos_, 2) != "\\u") {
      return fail("unpaired high surrogate in \\u escape");
    }
    pos_ += 2;
    uint32_t low = 0;
    if (!hex4(low)) {
      return false;
    }
    if (low < 0xDC00 || low > 0xDFFF) {
      return fail("unpaired high surrogate in \\u escape");
    }
    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
  }
  if (code == 0 && refuseNul_) {
    if (!error_) {
      error_ = JsonError{JsonError::Kind::kNul, "\\u0000 (NUL) is not accepted in a string",
                         pos_ - 6, path()};
    }
    return false;
  }
  appendUtf8(out, code);
  return true;
}

// The slow path: the string has escapes, so its content is built in the document's buffer.
bool JsonParser::escapedString(size_t contentBegin) {
  std::string& out = doc_.unescaped_;
  size_t outBegin = out.size();
  out.append(text_.substr(contentBegin, pos_ - contentBegin));
  while (!atEnd()) {
    auto c = static_cast<unsigned char>(text_[pos_]);
    if (c == '"') {
      uint32_t index = push(JsonKind::kString, outBegin, out.size() - outBegin);
      doc_.tokens_[index].decoded = true;
      ++pos_;
      return true;
    }
    if (c == '\\') {
      ++pos_;
      if (!escape(out)) {
        return false;
      }
      continue;
    }
    if (c < 0x20) {
      return fail("control character in string");
    }
    size_t n = utf8SequenceLength(text_.substr(pos_));
    if (n == 0) {
      return fail("invalid UTF-8 in string");
    }
    out.append(text_.substr(pos_, n));
    pos_ += n;
  }
  return fail("unterminated string");
}

// pos_ is at the opening quote.
bool JsonParser::string() {
  size_t begin = ++pos_;
  while ((pos_ = plainJsonRun(text_, pos_, true)) < text_.size()) {
    auto c = static_cast<unsigned char>(text_[pos_]);
    if (c == '"') {
      push(JsonKind::kString, begin, pos_ - begin);
      ++pos_;
      return true;
    }
    if (c == '\\') {
      return escapedString(begin);
    }
    if (c < 0x20) {
      return fail("control character in string");
    }
    size_t n = utf8SequenceLength(text_.substr(pos_));
    if (n == 0) {
      return fail("invalid UTF-8 in string");
    }
    pos_ += n;
  }
  return fail("unterminated string");
}

bool JsonParser::number() {
  size_t begin = pos_;
  auto digits = [&] {
    size_t start = pos_;
    while (!atEnd() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      ++pos_;
    }
    return pos_ - start;
  };
  if (peek() == '-') {
    ++pos_;
  }
  if (peek() == '0') {
    ++pos_;
  } else if (digits() == 0) {
    return fail("bad number");
  }
  if (peek() == '.') {
    ++pos_;
    if (digits() == 0) {
      return fail("bad number: digits must follow '.'");
    }
  }
  if (peek() == 'e' || peek() == 'E') {
    ++pos_;
    if (peek() == '+' || peek() == '-') {
      ++pos_;
    }
    if (digits() == 0) {
      return fail("bad number: digits must follow the exponent");
    }
  }
  push(JsonKind::kNumber, begin, pos_ - begin);
  return true;
}

bool JsonParser::literal(std::string_view word, JsonKind kind) {
  if (text_.substr(pos_, word.size()) != word) {
    return fail("unexpected character");
  }
  push(kind, pos_, word.size());
  pos_ += word.size();
  return true;
}

bool JsonParser::openContainer(JsonKind kind) {
  if (depth_ >= maxDepth_) {
    return fail("nested deeper than " + std::to_string(maxDepth_) + " levels");
  }
  open_[depth_] = push(kind, pos_, 0);
  lastKey_[depth_] = kNoKey;
  ++depth_;
  ++pos_;
  justOpened_ = true;
  return true;
}

bool JsonParser::value() {
  switch (peek()) {
    case '{':
      return openContainer(JsonKind::kObject);
    case '[':
      return openContainer(JsonKind::kArray);
    case '"':
      return string();
    case 't':
      return literal("true", JsonKind::kTrue);
    case 'f':
      return literal("false", JsonKind::kFalse);
    case 'n':
      return literal("null", JsonKind::kNull);
    case '\0':
      return atEnd() ? fail("unexpected end of input") : fail("unexpected character");
    default:
      if (peek() == '-' || (peek() >= '0' && peek() <= '9')) {
        return number();
      }
      return fail("unexpected character");
  }
}

// Small objects (the common case) compare keys pairwise; large ones sort a copy of the keys.
bool JsonParser::uniqueKeys(uint32_t object) {
  const Token& token = doc_.tokens_[object];
  constexpr size_t kPairwiseMax = 16;
  std::array<std::string_view, kPairwiseMax> small{};
  std::vector<std::string_view> large;
  if (token.count > kPairwiseMax) {
    large.reserve(token.count);
  }
  size_t n = 0;
  for (uint32_t key = object + 1; key < token.next; key = doc_.tokens_[key + 1].next) {
    std::string_view name = doc_.contentOf(doc_.tokens_[key]);
    if (token.count > kPairwiseMax) {
      large.push_back(name);
      continue;
    }
    for (size_t i = 0; i < n; ++i) {
      if (small[i] == name) {
        return failDuplicate(name);
      }
    }
    small[n++] = name;
  }
  std::sort(large.begin(), large.end());
  auto twin = std::adjacent_find(large.begin(), large.end());
  return twin == large.end() || failDuplicate(*twin);
}

bool JsonParser::closeContainer() {
  uint32_t index = open_[depth_ - 1];
  ++pos_;
  Token& token = doc_.tokens_[index];
  token.next = static_cast<uint32_t>(doc_.tokens_.size());
  token.length = static_cast<uint32_t>(pos_ - token.begin);
  if (token.kind == JsonKind::kObject) {
    lastKey_[depth_ - 1] = kNoKey;
    if (refuseDuplicates_ && !uniqueKeys(index)) {
      return false;
    }
  }
  --depth_;
  return true;
}

std::optional<JsonError> JsonParser::run() {
  if (text_.size() >= std::numeric_limits<uint32_t>::max()) {
    fail("text too large");
    return error_;
  }
  skipSpace();
  bool ok = value();
  while (ok && depth_ > 0) {
    size_t level = depth_ - 1;
    uint32_t container = open_[level];
    bool isObject = doc_.tokens_[container].kind == JsonKind::kObject;
    char close = isObject ? '}' : ']';
    skipSpace();
    bool first = justOpened_;
    justOpened_ = false;
    if (peek() == close) {
      ok = closeContainer();
      continue;
    }
    if (!first) {
      if (peek() != ',') {
        ok = fail(atEnd() ? "unexpected end of input"
                          : std::string("expected ',' or '") + close + "'");
        continue;
      }
      ++pos_;
      skipSpace();
    }
    ++doc_.tokens_[container].count;
    if (isObject) {
      lastKey_[level] = kNoKey;
      if (peek() != '"') {
        ok = fail(atEnd() ? "unexpected end of input" : "expected a key string");
        continue;
      }
      if (!string()) {
        ok = false;
        continue;
      }
      lastKey_[level] = static_cast<uint32_t>(doc_.tokens_.size() - 1);
      skipSpace();
      if (peek() != ':') {
        ok = fail("expected ':'");
        continue;
      }
      ++pos_;
      skipSpace();
    }
    ok = value();
  }
  if (ok) {
    skipSpace();
    if (!atEnd()) {
      fail("unexpected text after the JSON value");
    }
  }
  return error_;
}

std::optional<JsonError> JsonDocument::parse(std::string_view text, const JsonLimits& limits) {
  text_ = text;
  tokens_.clear();
  unescaped_.clear();
  // A token per ~8 bytes covers typical requests without regrowth.
  tokens_.reserve(text.size() / 8 + 4);
  std::optional<JsonError> error = JsonParser(*this, text, limits).run();
  if (error) {
    tokens_.clear();
  }
  return error;
}

std::string_view JsonDocument::contentOf(const Token& token) const {
  std::string_view source = token.decoded ? std::string_view(unescaped_) : text_;
  return source.substr(token.begin, token.length);
}

JsonKind JsonValue::kind() const {
  return doc_ == nullptr ? JsonKind::kNull : doc_->tokens_[index_].kind;  // absent: like null
}

std::string_view JsonValue::text() const {
  return doc_ == nullptr ? std::string_view() : doc_->contentOf(doc_->tokens_[index_]);
}

std::optional<int64_t> JsonValue::integer() const {
  if (!isNumber()) {
    return std::nullopt;
  }
  std::string_view spelling = text();
  int64_t out = 0;
  auto [end, ec] = std::from_chars(spelling.data(), spelling.data() + spelling.size(), out);
  if (ec != std::errc() || end != spelling.data() + spelling.size()) {
    return std::nullopt;
  }
  return out;
}

size_t JsonValue::size() const {
  return (isObject() || isArray()) ? doc_->tokens_[index_].count : 0;
}

JsonValue JsonValue::get(std::string_view key) const {
  for (JsonMember member : members()) {
    if (member.key == key) {
      return member.value;
    }
  }
  return {};
}

JsonValue::Members JsonValue::members() const {
  if (!isObject()) {
    return {{nullptr, 0}, {nullptr, 0}};
  }
  const Token& token = doc_->tokens_[index_];
  return {{doc_, index_ + 1}, {doc_, token.next}};
}

JsonValue::Elements JsonValue::elements() const {
  if (!isArray()) {
    return {{nullptr, 0}, {nullptr, 0}};
  }
  const Token& token = doc_->tokens_[index_];
  return {{doc_, index_ + 1}, {doc_, token.next}};
}

JsonMember JsonValue::MemberIterator::operator*() const {
  return {doc_->contentOf(doc_->tokens_[key_]), JsonValue(doc_, key_ + 1)};
}

JsonValue::MemberIterator& JsonValue::MemberIterator::operator++() {
  key_ = doc_->tokens_[key_ + 1].next;
  return *this;
}

JsonValue::ElementIterator& JsonValue::ElementIterator::operator++() {
  index_ = doc_->tokens_[index_].next;
  return *this;
}

}  // namespace notify::core
