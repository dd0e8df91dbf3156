// SPDX-License-Identifier: Apache-2.0
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "core/common/ids.hpp"
#include "core/common/json_writer.hpp"
#include "core/common/log.hpp"
#include "core/common/time.hpp"

namespace notify::core {
namespace {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// --- ids ---------------------------------------------------------------------------------------

TEST(Ids, HaveTheCanonicalUuidV7Form) {
  std::string id = newMessageId();
  ASSERT_EQ(id.size(), 36u);
  for (size_t i : {8u, 13u, 18u, 23u}) {
    EXPECT_EQ(id[i], '-') << id;
  }
  EXPECT_EQ(id[14], '7') << id;                                          // version nibble
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;  // RFC 9562 variant
  EXPECT_TRUE(std::all_of(id.begin(), id.end(), [](char c) {
    return c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  })) << id;
  EXPECT_TRUE(isMessageId(id));
}

TEST(Ids, SortByCreationAcross10000Ids) {
  std::string previous = newMessageId();
  for (int i = 0; i < 10000; ++i) {
    std::string next = newMessageId();
    ASSERT_LT(previous, next) << "at " << i;
    previous = next;
  }
}

TEST(Ids, AreUniqueAcrossThreads) {
  constexpr int kThreads = 4;
  constexpr int kEach = 2500;
  std::vector<std::vector<std::string>> made(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&made, t] {
      for (int i = 0; i < kEach; ++i) {
        made[t].push_back(newMessageId());
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  std::set<std::string> all;
  for (const auto& ids : made) {
    EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
    all.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kEach));
}

TEST(Ids, TimestampIsExtracted) {
  EXPECT_EQ(messageIdTimestampMs("0190a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b"), 0x0190a3b4c5d6);
  int64_t before = nowUnixMs();
  EXPECT_GE(messageIdTimestampMs(newMessageId()), before);
}

TEST(Ids, MalformedIdsAreRecognised) {
  for (const char* bad :
       {"", "not-an-id", "0190a3b4-c5d6-4e8f-9a0b-1c2d3e4f5a6b",
        "0190A3B4-C5D6-7E8F-9A0B-1C2D3E4F5A6B", "0190a3b4c5d6-7e8f-9a0b-1c2d3e4f5a6b-",
        "0190a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6"}) {
    EXPECT_FALSE(isMessageId(bad)) << bad;
    EXPECT_EQ(messageIdTimestampMs(bad), -1) << bad;
  }
}

// --- RFC 3339 ----------------------------------------------------------------------------------

constexpr int64_t k20261126T0100Z = 1795654800000;

TEST(Rfc3339, ParsesUtcAndOffsets) {
  EXPECT_EQ(parseRfc3339("2026-11-26T01:00:00Z"), k20261126T0100Z);
  EXPECT_EQ(parseRfc3339("2026-11-26T09:00:00+08:00"), k20261126T0100Z);
  EXPECT_EQ(parseRfc3339("2026-11-25T19:30:00-05:30"), k20261126T0100Z);
  EXPECT_EQ(parseRfc3339("2026-11-26T01:00:00+00:00"), k20261126T0100Z);
  EXPECT_EQ(parseRfc3339("2026-11-26t01:00:00z"), k20261126T0100Z);
  EXPECT_EQ(parseRfc3339("1970-01-01T00:00:00Z"), 0);
}

TEST(Rfc3339, ParsesFractionalSeconds) {
  EXPECT_EQ(parseRfc3339("2026-11-26T01:00:00.123Z"), k20261126T0100Z + 123);
  EXPECT_EQ(parseRfc3339("2026-11-26T01:00:00.5Z"), k20261126T0100Z + 500);
  EXPECT_EQ(parseRfc3339("2026-11-26T01:00:00.123456789+00:00"), k20261126T0100Z + 123);
}

TEST(Rfc3339, AcceptsLeapDaysOnlyInLeapYears) {
  EXPECT_EQ(parseRfc3339("2028-02-29T00:00:00Z"), 1835395200000);
  EXPECT_EQ(parseRfc3339("2000-02-29T00:00:00Z"), 951782400000);
  EXPECT_EQ(parseRfc3339("2100-02-29T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parseRfc3339("2026-02-29T00:00:00Z"), std::nullopt);
}

TEST(Rfc3339, RefusesInvalidText) {
  for (const char* bad :
       {"2026-02-30T09:00:00Z", "2026-04-31T09:00:00Z", "2026-13-01T00:00:00Z",
        "2026-00-10T00:00:00Z", "2026-11-26T24:00:00Z", "2026-11-26T23:60:00Z",
        "2026-11-26T09:00:00", "2026-11-26", "2026-11-26T09:00Z", "2026-11-26T09:00:00+0800",
        "2026-11-26T09:00:00+08", "2026-11-26T09:00:00.Z", "2026-11-26T09:00:00Z ",
        "2026-11-26T09:00:00+24:00", "26-11-26T09:00:00Z", "2026/11/26T09:00:00Z", ""}) {
    EXPECT_EQ(parseRfc3339(bad), std::nullopt) << bad;
  }
}

TEST(Rfc3339, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(formatRfc3339Ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(formatRfc3339Ms(k20261126T0100Z + 123), "2026-11-26T01:00:00.123Z");
  EXPECT_EQ(formatRfc3339Ms(-1), "1969-12-31T23:59:59.999Z");
}

TEST(Rfc3339, FormatAndParseRoundTrip) {
  for (int64_t ms :
       {int64_t{0}, k20261126T0100Z + 7, int64_t{951782400999}, int64_t{4102444800000}}) {
    EXPECT_EQ(parseRfc3339(formatRfc3339Ms(ms)), ms) << ms;
  }
}

// --- JSON writer ---------------------------------------------------------------------------------

std::string jsonQuoted(std::string_view text) {
  std::string out;
  appendJsonString(out, text);
  return out;
}

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(jsonQuoted("plain"), "\"plain\"");
  EXPECT_EQ(jsonQuoted("say \"hi\""), R"("say \"hi\"")");
  EXPECT_EQ(jsonQuoted("C:\\dir"), R"("C:\\dir")");
  EXPECT_EQ(jsonQuoted("a\nb\rc\td"), R"("a\nb\rc\td")");
  EXPECT_EQ(jsonQuoted(std::string("\x01\x1f", 2)), R"("\u0001\u001f")");
  EXPECT_EQ(jsonQuoted(std::string("nul\0x", 5)), R"("nul\u0000x")");
  EXPECT_EQ(jsonQuoted("héllo 你好"), "\"héllo 你好\"");
}

TEST(JsonWriter, EscapedTextParsesBackToTheOriginal) {
  std::string nasty = "q\"b\\n\n\x02 end 你";
  Poco::JSON::Parser parser;
  auto array = parser.parse("[" + jsonQuoted(nasty) + "]").extract<Poco::JSON::Array::Ptr>();
  EXPECT_EQ(array->getElement<std::string>(0), nasty);
}

TEST(JsonWriter, PlacesCommasAndNestsContainers) {
  JsonWriter w;
  w.beginObject().key("a").value(int64_t{1}).key("b").beginArray().value("x").value(true);
  w.beginObject().endObject().endArray().key("c").raw("{\"r\":null}");
  w.optional("skipped", "").optional("kept", "v").key("neg").value(int64_t{-5});
  w.endObject();
  EXPECT_EQ(w.str(), R"({"a":1,"b":["x",true,{}],"c":{"r":null},"kept":"v","neg":-5})");
}

TEST(JsonWriter, ObjectAndArrayHelpers) {
  KeyValues pairs = {{"to", "a\"b"}, {"kind", "x"}};
  std::string object = jsonObjectOf(pairs);
  EXPECT_EQ(object, R"({"to":"a\"b","kind":"x"})");
  EXPECT_EQ(parseJsonObjectOfStrings(object), (KeyValues{{"kind", "x"}, {"to", "a\"b"}}));
  EXPECT_EQ(jsonObjectOf({}), "{}");
  EXPECT_EQ(jsonArrayOf({"a", "b\n"}), R"(["a","b\n"])");
  EXPECT_EQ(jsonArrayOf({}), "[]");
}

TEST(JsonWriter, MalformedObjectReadsAsEmpty) {
  EXPECT_TRUE(parseJsonObjectOfStrings("{not json").empty());
  EXPECT_TRUE(parseJsonObjectOfStrings("[1,2]").empty());
  EXPECT_TRUE(parseJsonObjectOfStrings("").empty());
}

TEST(FlatJson, EscapesAndUnicodeRoundTrip) {
  KeyValues pairs = {{"body", "line1\nline2\t\"quoted\" back\\slash \x01"},
                     {"name", "\xE5\xBC\xA0\xE4\xB8\x89 \xF0\x9F\x98\x80"}};
  EXPECT_EQ(parseJsonObjectOfStrings(jsonObjectOf(pairs)), pairs);
  EXPECT_EQ(parseJsonObjectOfStrings(R"({"e":"\u00e9\ud83d\ude00\/"})"),
            (KeyValues{{"e", "\xC3\xA9\xF0\x9F\x98\x80/"}}));
}

TEST(FlatJson, ScalarsReadAsTheirTextAndNullAsEmpty) {
  EXPECT_EQ(parseJsonObjectOfStrings(R"( { "n" : -1.5e3 , "t":true, "f":false, "z":null } )"),
            (KeyValues{{"f", "false"}, {"n", "-1.5e3"}, {"t", "true"}, {"z", ""}}));
}

TEST(FlatJson, ARepeatedKeyKeepsItsLastValue) {
  EXPECT_EQ(parseJsonObjectOfStrings(R"({"b":"1","a":"x","b":"2"})"),
            (KeyValues{{"a", "x"}, {"b", "2"}}));
}

TEST(FlatJson, AnythingButAFlatObjectReadsAsEmpty) {
  for (const char* bad : {R"({"a":{"b":"c"}})", R"({"a":["x"]})", R"({"a":"x",})", R"({"a" "x"})",
                          R"({"a":"x"} extra)", R"({"a":"\ud800"})", R"({"a":"\udc00x"})",
                          R"({"a":"\q"})", R"({"a":01x})", "{\"a\":\"tab\there\"}",
                          R"({"a":"unterminated)", R"({"a":tru})", R"({"a":-})"}) {
    EXPECT_TRUE(parseJsonObjectOfStrings(bad).empty()) << bad;
  }
  EXPECT_TRUE(parseJsonObjectOfStrings("{ }").empty());
}

// --- maskAddress -------------------------------------------------------------------------------

TEST(MaskAddress, MasksPhoneNumbersKeepingPrefixAndLastFour) {
  EXPECT_EQ(maskAddress("+8613800001234"), "+86138****1234");
  EXPECT_EQ(maskAddress("13800001234"), "138****1234");
  EXPECT_EQ(maskAddress("12345678"), "1***5678");
}

TEST(MaskAddress, MasksTheLocalPartOfEmails) {
  EXPECT_EQ(maskAddress("ann.lee@example.com"), "a******@example.com");
  EXPECT_EQ(maskAddress("a@b.c"), "a@b.c");
  EXPECT_EQ(maskAddress("@example.com"), "@example.com");
}

TEST(MaskAddress, HidesShortValuesEntirely) {
  EXPECT_EQ(maskAddress("1234"), "****");
  EXPECT_EQ(maskAddress("12345"), "1**45");
  EXPECT_EQ(maskAddress("1234567"), "1***567");
  EXPECT_EQ(maskAddress(""), "");
}

TEST(MaskAddress, AlwaysHidesSomethingOfLongerValues) {
  for (size_t length = 2; length <= 24; ++length) {
    std::string address;
    for (size_t i = 0; i < length; ++i) {
      address.push_back(static_cast<char>('0' + i % 10));
    }
    std::string masked = maskAddress(address);
    EXPECT_EQ(masked.size(), address.size()) << address;
    EXPECT_NE(masked.find('*'), std::string::npos) << address << " -> " << masked;
  }
}

}  // namespace
}  // namespace notify::core
