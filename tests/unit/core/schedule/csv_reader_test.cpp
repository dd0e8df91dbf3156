// SPDX-License-Identifier: Apache-2.0
#include "core/schedule/csv_reader.hpp"

#include <gtest/gtest.h>

#include "support/test_env.hpp"

namespace notify::core {
namespace {

using test::TempDir;

// Every record as its fields joined by '|', or "ERR <message>" for a bad one.
std::vector<std::string> readAll(CsvReader& reader) {
  std::vector<std::string> out;
  while (auto record = reader.next()) {
    if (!*record) {
      out.push_back("ERR " + record->error().message);
      continue;
    }
    std::string joined;
    for (const auto& f : (*record)->fields) {
      joined += (joined.empty() ? "" : "|") + f;
    }
    out.push_back(std::to_string((*record)->line) + ": " + joined);
  }
  return out;
}

std::unique_ptr<CsvReader> open(const TempDir& dir, const std::string& text) {
  auto reader = CsvReader::open(dir.write("a.csv", text));
  EXPECT_TRUE(reader.ok()) << (reader.ok() ? "" : reader.error().message);
  return reader.ok() ? std::move(reader).value() : nullptr;
}

TEST(CsvReader, QuotedFieldsCommasNewlinesAndEscapedQuotes) {
  TempDir dir;
  auto reader = open(dir,
                     "\xEF\xBB\xBFphone,name,note\r\n"
                     "+8613800000001,Ann,plain\r\n"
                     "\"+8613800000002\",\"Lee, Bo\",\"says \"\"hi\"\"\"\n"
                     "\n"
                     "+8613800000003,\"Zoë\",\"two\nlines\"\n"
                     "+8613800000004,Kim,last");
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->header(), (std::vector<std::string>{"phone", "name", "note"}));
  EXPECT_EQ(readAll(*reader), (std::vector<std::string>{
                                  "2: +8613800000001|Ann|plain",
                                  "3: +8613800000002|Lee, Bo|says \"hi\"",
                                  "5: +8613800000003|Zoë|two\nlines",
                                  "7: +8613800000004|Kim|last",
                              }));
}

TEST(CsvReader, BadRowsNameTheirLineAndReadingGoesOn) {
  TempDir dir;
  auto reader = open(dir,
                     "phone,name\n"
                     "+1,Ann\n"
                     "+2\n"
                     "+3,Bo,extra\n"
                     "+4,\"Cy\"x\n"
                     "+5,D\"e\n"
                     "+6,\xC3\x28\n"
                     "+7,Eve\n"
                     "+8,\"never closed\n");
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(readAll(*reader),
            (std::vector<std::string>{
                "2: +1|Ann",
                "ERR line 3: has 1 fields, the header has 2",
                "ERR line 4: has 3 fields, the header has 2",
                "ERR line 5: text after a closing quote",
                "ERR line 6: a quote inside an unquoted field (quote the whole field)",
                "ERR line 7: field 2 is not valid UTF-8",
                "8: +7|Eve",
                "ERR line 9: a quoted field is never closed",
            }));
}

TEST(CsvReader, ResumesFromASavedPosition) {
  TempDir dir;
  auto reader = open(dir, "phone\n+1\n\"+2\"\n+3\n");
  ASSERT_NE(reader, nullptr);
  ASSERT_TRUE(reader->next().has_value());
  CsvPosition saved = reader->position();
  auto again = CsvReader::open(dir.path() / "a.csv");
  ASSERT_TRUE(again.ok());
  (*again)->seek(saved);
  EXPECT_EQ(readAll(**again), (std::vector<std::string>{"3: +2", "4: +3"}));
}

TEST(CsvReader, MissingOrEmptyFileIsAnError) {
  TempDir dir;
  auto missing = CsvReader::open(dir.path() / "nope.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("cannot read"), std::string::npos);
  auto empty = CsvReader::open(dir.write("e.csv", ""));
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("header"), std::string::npos);
}

TEST(Utf8, AcceptsWellFormedAndRefusesBrokenSequences) {
  EXPECT_TRUE(isValidUtf8("plain"));
  EXPECT_TRUE(isValidUtf8("Zoë 张三 😀"));
  EXPECT_FALSE(isValidUtf8("\xC3"));
  EXPECT_FALSE(isValidUtf8("\xC0\xAF"));
  EXPECT_FALSE(isValidUtf8("\xE2\x82"));
  EXPECT_FALSE(isValidUtf8("\xFF"));
}

}  // namespace
}  // namespace notify::core
