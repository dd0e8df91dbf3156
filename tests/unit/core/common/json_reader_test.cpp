// SPDX-License-Identifier: Apache-2.0
#include "core/common/json_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/common/utf8.hpp"

namespace notify::core {
namespace {

// Parses text that must be accepted; the document keeps views into text, so no temporaries.
JsonValue parsed(JsonDocument& doc, const std::string&& text) = delete;
JsonValue parsed(JsonDocument& doc, const std::string& text) {
  std::optional<JsonError> error = doc.parse(text);
  EXPECT_FALSE(error.has_value()) << text << ": " << (error ? error->message : "");
  return doc.root();
}

// Parses text that must be refused and returns why.
JsonError refused(const std::string& text, JsonLimits limits = {}) {
  JsonDocument doc;
  std::optional<JsonError> error = doc.parse(text, limits);
  EXPECT_TRUE(error.has_value()) << text;
  EXPECT_FALSE(doc.root()) << "a refused text leaves no document: " << text;
  return error.value_or(JsonError{});
}

TEST(JsonReader, ReadsNestedValuesInDocumentOrder) {
  JsonDocument doc;
  std::string text = R"( {"a": [1, -2.5e3, true, false, null, "x"], "b": {"c": {}}, "d": []} )";
  JsonValue root = parsed(doc, text);
  ASSERT_TRUE(root.isObject());
  EXPECT_EQ(root.size(), 3u);
  std::vector<std::string> keys;
  for (JsonMember m : root.members()) {
    keys.emplace_back(m.key);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"a", "b", "d"}));
  JsonValue a = root.get("a");
  ASSERT_TRUE(a.isArray());
  std::vector<std::string> spelled;
  for (JsonValue v : a.elements()) {
    spelled.emplace_back(v.text());
  }
  EXPECT_EQ(spelled, (std::vector<std::string>{"1", "-2.5e3", "true", "false", "null", "x"}));
  EXPECT_EQ(root.get("b").get("c").size(), 0u);
  EXPECT_TRUE(root.get("b").get("c").isObject());
  EXPECT_EQ(root.get("b").text(), R"({"c": {}})");
  EXPECT_TRUE(root.get("d").isArray());
  EXPECT_FALSE(root.get("missing"));
  EXPECT_FALSE(root.get("a").get("x")) << "get on an array finds nothing";
}

TEST(JsonReader, UnescapedStringsAreViewsIntoTheText) {
  JsonDocument doc;
  std::string text = R"({"k": "plain"})";
  std::string_view value = parsed(doc, text).get("k").text();
  EXPECT_EQ(value, "plain");
  EXPECT_EQ(value.data(), text.data() + 7);
}

TEST(JsonReader, DecodesEscapesAndSurrogatePairs) {
  JsonDocument doc;
  std::string text =
      R"({"s": "q\" b\\ s\/ \b\f\n\r\t \u00e9 \u4e2d \ud83d\ude00 \u0001!", "k\u0031": 1})";
  JsonValue root = parsed(doc, text);
  EXPECT_EQ(root.get("s").text(),
            std::string("q\" b\\ s/ \b\f\n\r\t \xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x98\x80 ") +
                "\x01!");
  EXPECT_EQ(root.get("k1").text(), "1") << "escaped keys are matched decoded";
}

TEST(JsonReader, IntegersFitInt64OrAreRefused) {
  JsonDocument doc;
  std::string text = R"([9223372036854775807, -9223372036854775808,
      9223372036854775808, 1.0, 1e2, 123456789012345678901234567890e-5])";
  JsonValue root = parsed(doc, text);
  std::vector<std::optional<int64_t>> got;
  for (JsonValue v : root.elements()) {
    got.push_back(v.integer());
  }
  ASSERT_EQ(got.size(), 6u);
  EXPECT_EQ(got[0], INT64_MAX);
  EXPECT_EQ(got[1], INT64_MIN);
  for (size_t i = 2; i < got.size(); ++i) {
    EXPECT_FALSE(got[i].has_value()) << i;
  }
  EXPECT_EQ((*(++root.elements().begin())).text(), "-9223372036854775808");
}

TEST(JsonReader, RefusesMalformedText) {
  for (const char* text : {"",
                           " ",
                           "{",
                           "}",
                           "[",
                           "[1,]",
                           "[,1]",
                           "{\"a\":1,}",
                           "{\"a\" 1}",
                           "{a: 1}",
                           "{\"a\":}",
                           "[1 2]",
                           "01",
                           "-",
                           "1.",
                           ".5",
                           "1e",
                           "1e+",
                           "+1",
                           "0x10",
                           "NaN",
                           "Infinity",
                           "tru",
                           "nul",
                           "falsey",
                           "'x'",
                           "\"x",
                           "\"\\x\"",
                           "\"\\u12\"",
                           "\"\\u12G4\"",
                           "[1] [2]",
                           "{\"a\":1}}",
                           "\"tab\there\"",
                           "// c\n{}",
                           "{\"a\":1 /* c */}",
                           "[1,,2]",
                           "\xEF\xBB\xBF{}"}) {
    JsonError e = refused(text);
    EXPECT_EQ(e.kind, JsonError::Kind::kSyntax) << text;
    EXPECT_FALSE(e.message.empty()) << text;
  }
}

TEST(JsonReader, ErrorsNameThePathAndOffset) {
  JsonError e = refused(R"({"messages": [{}, {}, {}, {"to": {"phone": +1}}]})");
  EXPECT_EQ(e.path, "messages[3].to.phone");
  EXPECT_EQ(e.offset, 43u);
  EXPECT_EQ(e.message, "unexpected character");
  EXPECT_EQ(refused(R"({"a": "x)").message, "unterminated string");
  EXPECT_EQ(refused(R"({"a": "x)").path, "a");
  EXPECT_EQ(refused("[1, 2").message, "unexpected end of input");
}

TEST(JsonReader, RefusesInvalidUtf8) {
  for (const char* bad : {"\xC3", "\xC0\xAF", "\xC1\xBF", "\xE0\x80\xAF", "\xED\xA0\x80",
                          "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFF", "\x80", "\xE2\x82"}) {
    JsonError e = refused(std::string("[\"a") + bad + "b\"]");
    EXPECT_EQ(e.message, "invalid UTF-8 in string") << bad;
    JsonError escaped = refused(std::string("[\"\\n") + bad + "\"]");
    EXPECT_EQ(escaped.message, "invalid UTF-8 in string") << "escaped path: " << bad;
  }
  JsonDocument doc;
  std::string good = "[\"Zo\xC3\xAB \xE5\xBC\xA0 \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF\"]";
  EXPECT_EQ(parsed(doc, good).size(), 1u);
}

TEST(JsonReader, RefusesUnpairedSurrogateEscapes) {
  for (const char* bad : {R"(["\ud83d"])", R"(["\ude00"])", R"(["\ud83d\u0041"])", R"(["\ud83dx"])",
                          R"(["\ud83d\ud83d"])"}) {
    JsonError e = refused(bad);
    EXPECT_NE(e.message.find("surrogate"), std::string::npos) << bad << ": " << e.message;
  }
}

TEST(JsonReader, DepthIsLimited) {
  std::string ok = std::string(64, '[') + std::string(64, ']');
  JsonDocument doc;
  EXPECT_FALSE(doc.parse(ok).has_value());
  std::string deep = std::string(65, '[') + std::string(65, ']');
  EXPECT_NE(refused(deep).message.find("nested deeper than 64"), std::string::npos);
  EXPECT_TRUE(refused(std::string(200000, '[')).message.find("nested") != std::string::npos);
  EXPECT_TRUE(refused("[[[1]]]", JsonLimits{2}).message.find("nested") != std::string::npos);
}

TEST(JsonReader, DuplicateKeysAreRefusedWithTheirPath) {
  JsonError small = refused(R"({"messages": [{"to": {"phone": "1", "phone": "2"}}]})");
  EXPECT_EQ(small.kind, JsonError::Kind::kDuplicateKey);
  EXPECT_EQ(small.path, "messages[0].to.phone");
  JsonError escaped = refused(R"({"a": 1, "\u0061": 2})");
  EXPECT_EQ(escaped.kind, JsonError::Kind::kDuplicateKey);
  EXPECT_EQ(escaped.path, "a");
  std::string large = "{";
  for (int i = 0; i < 100; ++i) {
    large += "\"k" + std::to_string(i) + "\": 1, ";
  }
  JsonDocument doc;
  std::string distinct = large + "\"k100\": 1}";
  EXPECT_EQ(parsed(doc, distinct).size(), 101u);
  JsonError twin = refused(large + "\"k42\": 2}");
  EXPECT_EQ(twin.kind, JsonError::Kind::kDuplicateKey);
  EXPECT_EQ(twin.path, "k42");
  EXPECT_FALSE(doc.parse(R"([{"a": 1}, {"a": 2}])").has_value()) << "siblings may share keys";
}

TEST(JsonReader, NulIsRefusedWithItsPathUnlessAllowed) {
  JsonError inValue = refused(R"({"messages": [{"vars": {"name": "a\u0000b"}}]})");
  EXPECT_EQ(inValue.kind, JsonError::Kind::kNul);
  EXPECT_EQ(inValue.path, "messages[0].vars.name");
  EXPECT_NE(inValue.message.find("NUL"), std::string::npos);
  JsonError inKey = refused(R"({"vars": {"\u0000": "x"}})");
  EXPECT_EQ(inKey.kind, JsonError::Kind::kNul);
  EXPECT_EQ(inKey.path, "vars");

  JsonLimits lenient;
  lenient.refuseNul = false;
  JsonDocument doc;
  ASSERT_FALSE(doc.parse(R"(["a\u0000b"])", lenient).has_value());
  ASSERT_EQ(doc.root().size(), 1u);
  EXPECT_EQ((*doc.root().elements().begin()).text(), std::string_view("a\0b", 3));
  EXPECT_FALSE(doc.parse(R"(["\u0001"])").has_value()) << "other control characters are text";
}

// Every prefix of a valid document is refused, and every single-byte corruption is either
// refused or parsed without reading out of bounds (run under ASan/valgrind to see the latter).
TEST(JsonReader, TruncationsAndByteFlipsNeverCrash) {
  std::string text =
      R"({"op":"send_batch","messages":[{"to":{"phone":"+8613800000000"},"vars":{"n":-1.5e3,)"
      R"("s":"\u00e9\ud83d\ude00"}},[true,false,null]]})";
  JsonDocument doc;
  ASSERT_FALSE(doc.parse(text).has_value());
  for (size_t n = 0; n < text.size(); ++n) {
    EXPECT_TRUE(doc.parse(std::string_view(text).substr(0, n)).has_value()) << n;
  }
  size_t accepted = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    for (char c : {'\0', '"', '\\', '{', ']', ',', ':', '\xC3', '\x7F', '9'}) {
      std::string flipped = text;
      flipped[i] = c;
      std::optional<JsonError> error = doc.parse(flipped);
      accepted += error ? 0 : 1;
      if (error) {
        EXPECT_LE(error->offset, flipped.size());
      }
    }
  }
  EXPECT_LT(accepted, text.size() * 10) << "most corruptions must be refused";
}

TEST(Utf8, IllFormedBytesBecomeReplacementCharacters) {
  EXPECT_EQ(toValidUtf8("plain \xE4\xB8\xAD"), "plain \xE4\xB8\xAD");
  EXPECT_EQ(toValidUtf8("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  // A sequence cut short (a 1024-byte buffer ending inside a character) and GBK bytes.
  EXPECT_EQ(toValidUtf8("\xE4\xB8"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(toValidUtf8("\xD6\xD0"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(toValidUtf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD")
      << "an encoded surrogate is not UTF-8";
  EXPECT_TRUE(isValidUtf8(toValidUtf8("\xC0\xAF x \xF4\x90\x80\x80")));
}

TEST(Utf8, SequenceLengthFollowsTheUnicodeTable) {
  EXPECT_EQ(utf8SequenceLength(""), 0u);
  EXPECT_EQ(utf8SequenceLength("a"), 1u);
  EXPECT_EQ(utf8SequenceLength("\xC3\xA9"), 2u);
  EXPECT_EQ(utf8SequenceLength("\xED\x9F\xBF"), 3u);
  EXPECT_EQ(utf8SequenceLength("\xED\xA0\x80"), 0u);
  EXPECT_EQ(utf8SequenceLength("\xF0\x9F\x98\x80"), 4u);
  EXPECT_EQ(utf8SequenceLength("\xF0\x8F\xBF\xBF"), 0u);
  std::string out;
  for (uint32_t cp : {0x41U, 0xE9U, 0x4E2DU, 0x1F600U, 0x10FFFFU}) {
    out.clear();
    appendUtf8(out, cp);
    EXPECT_TRUE(isValidUtf8(out)) << cp;
    EXPECT_EQ(utf8SequenceLength(out), out.size()) << cp;
  }
}

TEST(Utf8, CodePointCountMatchesAByteByByteCount) {
  std::string text;
  for (int i = 0; i < 40; ++i) {
    text += i % 3 == 0 ? "a" : (i % 3 == 1 ? "\xC3\xA9" : "\xF0\x9F\x98\x80");
    size_t expected = 0;
    for (char c : text) {
      expected += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    }
    EXPECT_EQ(utf8CodePointCount(text), expected) << i;
  }
  EXPECT_EQ(utf8CodePointCount(""), 0u);
  EXPECT_EQ(utf8CodePointCount("\xE5\xBC\xA0\xE4\xB8\x89" "abcdefgh"), 10u);
}

}  // namespace
}  // namespace notify::core
