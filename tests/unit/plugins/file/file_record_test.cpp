// SPDX-License-Identifier: Apache-2.0
#include "plugins/file/file_record.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "support/json_object.hpp"
#include "unit/plugins/plugin_support.hpp"

namespace notify::plugin::file {
namespace {

using test::parseJson;

TEST(FileRecordTest, IsOneJsonLineWithEveryField) {
  core::OutboundMessage message = test::sampleMessage();
  message.to = {{"email", "ann@example.com"}};
  message.attempt = 2;
  const test::RawMessage raw(message);
  const std::string line = buildRecord(raw.message(), 1700000000123);

  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1);
  const auto record = parseJson(line);
  EXPECT_EQ(record->getValue<std::string>("message_id"), message.id);
  EXPECT_EQ(record->getValue<std::string>("app"), "shop");
  EXPECT_EQ(record->getValue<std::string>("template"), "order_shipped");
  EXPECT_EQ(record->getValue<std::string>("channel"), "hooks");
  EXPECT_EQ(record->getObject("to")->getValue<std::string>("email"), "ann@example.com");
  EXPECT_EQ(record->getValue<std::string>("subject"), "Shipped");
  EXPECT_EQ(record->getValue<std::string>("body"), message.body);
  EXPECT_EQ(record->getValue<int>("attempt"), 2);
  EXPECT_EQ(record->getValue<std::string>("delivered_at"), "2023-11-14T22:13:20.123Z");
  EXPECT_FALSE(record->has("vars"));
}

TEST(FileRecordTest, MultiLineTextStaysOnOneLine) {
  core::OutboundMessage message = test::sampleMessage();
  message.subject = "a\r\nb";
  message.body = "first line\nsecond \"line\"\n\ttabbed \\ end\n";
  const test::RawMessage raw(message);
  const std::string line = buildRecord(raw.message(), 0);

  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1);
  const auto record = parseJson(line);
  EXPECT_EQ(record->getValue<std::string>("subject"), message.subject);
  EXPECT_EQ(record->getValue<std::string>("body"), message.body);
}

}  // namespace
}  // namespace notify::plugin::file
