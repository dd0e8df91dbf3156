// SPDX-License-Identifier: Apache-2.0
// Message text pieces: separated lists, chat text with the subject, template parameters.
#include "plugins/common/message_text.hpp"

#include <gtest/gtest.h>

#include "unit/plugins/plugin_support.hpp"

namespace notify::plugin::common {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(MessageTextTest, SplitListTrimsAndDropsEmptyItems) {
  EXPECT_EQ(splitList(" a, b,,c ,"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(splitList("u1|U2||", '|'), (std::vector<std::string>{"u1", "U2"}));
  EXPECT_TRUE(splitList(" , ").empty());
}

TEST(MessageTextTest, ChatTextPutsTheSubjectAboveTheBody) {
  core::OutboundMessage message = test::sampleMessage();
  message.subject = "Shipped";
  message.body = "On its way";
  const test::RawMessage withSubject(message);
  EXPECT_EQ(chatText(withSubject.message(), false), "Shipped\nOn its way");
  EXPECT_EQ(chatText(withSubject.message(), true), "**Shipped**\nOn its way");
  message.subject.clear();
  const test::RawMessage bodyOnly(message);
  EXPECT_EQ(chatText(bodyOnly.message(), false), "On its way");
}

TEST(MessageTextTest, ParamsAttrChoosesAndOrdersTheVariables) {
  core::OutboundMessage message = test::sampleMessage();
  message.vars = {{"code", "1234"}, {"minutes", "5"}, {"extra", "x"}};
  message.attrs = {{"params", "minutes, code"}};
  const test::RawMessage raw(message);
  const TemplateParams params = templateParams(raw.message(), true);
  EXPECT_EQ(params.values, (Pairs{{"minutes", "5"}, {"code", "1234"}}));
  EXPECT_TRUE(params.missing.empty());
}

TEST(MessageTextTest, WithoutParamsAllVariablesOrNone) {
  core::OutboundMessage message = test::sampleMessage();
  message.vars = {{"b", "2"}, {"a", "1"}};
  const test::RawMessage raw(message);
  EXPECT_EQ(templateParams(raw.message(), true).values, (Pairs{{"b", "2"}, {"a", "1"}}));
  EXPECT_TRUE(templateParams(raw.message(), false).values.empty());
}

TEST(MessageTextTest, ParamNamingAnAbsentVariableIsReported) {
  core::OutboundMessage message = test::sampleMessage();
  message.vars = {{"code", ""}};
  message.attrs = {{"params", "code,minutes"}};
  const test::RawMessage raw(message);
  const TemplateParams params = templateParams(raw.message(), false);
  EXPECT_EQ(params.missing, "minutes");  // an empty value is present, an absent one is not
}

}  // namespace
}  // namespace notify::plugin::common
