// SPDX-License-Identifier: Apache-2.0
#include "plugins/common/json_writer.hpp"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <string>

#include "plugins/common/time_format.hpp"

namespace notify::plugin::common {
namespace {

std::string jsonLiteral(std::string_view text) {
  std::string out;
  appendJsonString(out, text);
  return out;
}

// What a real JSON parser reads back from our literal.
std::string roundTrip(std::string_view text) {
  Poco::JSON::Parser parser;
  std::string doc = "{\"v\":" + jsonLiteral(text) + "}";
  return parser.parse(doc).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("v");
}

TEST(JsonStringTest, EscapesQuotesAndBackslashes) {
  EXPECT_EQ(jsonLiteral(R"(say "hi" \o/)"), R"("say \"hi\" \\o/")");
  EXPECT_EQ(roundTrip(R"(say "hi" \o/)"), R"(say "hi" \o/)");
}

TEST(JsonStringTest, EscapesEveryControlCharacter) {
  EXPECT_EQ(jsonLiteral("a\nb\rc\td\be\ff"), R"("a\nb\rc\td\be\ff")");
  EXPECT_EQ(jsonLiteral(std::string("\x01\x1f\0", 3)), R"("\u0001\u001f\u0000")");
  std::string all;
  for (int c = 0; c < 0x20; ++c) {
    all += static_cast<char>(c);
  }
  const std::string literal = jsonLiteral(all);
  for (char c : literal) {
    EXPECT_GE(static_cast<unsigned char>(c), 0x20) << "raw control character in output";
  }
  EXPECT_EQ(roundTrip(all), all);
}

TEST(JsonStringTest, PassesValidUtf8Through) {
  const std::string text =
      "h\xC3\xA9llo \xE4\xB8\x96\xE7\x95\x8C \xF0\x9F\x8E\x89";  // héllo 世界 🎉
  EXPECT_EQ(jsonLiteral(text), "\"" + text + "\"");
  EXPECT_EQ(roundTrip(text), text);
}

TEST(JsonStringTest, ReplacesInvalidUtf8SoOutputStaysValid) {
  // A lone continuation byte, a truncated 3-byte sequence, an overlong '/', a surrogate.
  EXPECT_EQ(jsonLiteral("a\x80z"), R"("a\ufffdz")");
  EXPECT_EQ(jsonLiteral("\xE4\xB8"), R"("\ufffd\ufffd")");
  EXPECT_EQ(jsonLiteral("\xC0\xAF"), R"("\ufffd\ufffd")");
  EXPECT_EQ(jsonLiteral("\xED\xA0\x80"), R"("\ufffd\ufffd\ufffd")");
  EXPECT_EQ(roundTrip("ok\xFF"), "ok\xEF\xBF\xBD");
}

TEST(JsonWriterTest, WritesNestedObjectsWithCommasInOrder) {
  JsonWriter json;
  json.beginObject().field("a", "1").beginObject("b").field("c", int64_t{2}).endObject();
  json.beginObject("empty").endObject().field("d", int64_t{-3}).endObject();
  EXPECT_EQ(json.text(), R"({"a":"1","b":{"c":2},"empty":{},"d":-3})");
}

TEST(TimeFormatTest, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(formatRfc3339Ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(formatRfc3339Ms(1614265330000), "2021-02-25T15:02:10.000Z");
  EXPECT_EQ(formatRfc3339Ms(1700000000123), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(formatRfc3339Ms(951782400999), "2000-02-29T00:00:00.999Z");  // leap day
}

}  // namespace
}  // namespace notify::plugin::common
