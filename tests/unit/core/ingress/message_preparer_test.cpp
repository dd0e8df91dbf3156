// SPDX-License-Identifier: Apache-2.0
#include "core/ingress/message_preparer.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "core/common/ids.hpp"
#include "core/common/json_writer.hpp"

namespace notify::core {
namespace {

constexpr int64_t kNow = 1800000000000;

TemplateConfig templateOf(std::string name, std::vector<std::string> vars,
                          std::string defaultChannel) {
  TemplateConfig t;
  t.name = std::move(name);
  t.vars = std::move(vars);
  t.defaultChannel = std::move(defaultChannel);
  return t;
}

TemplateContent contentOf(std::string subject, std::string body, KeyValues attrs = {}) {
  TemplateContent c;
  c.subject = std::move(subject);
  c.body = std::move(body);
  c.attrs = std::move(attrs);
  return c;
}

std::shared_ptr<const DaemonConfig> makeConfig() {
  auto c = std::make_shared<DaemonConfig>();
  c->apps["demo"] = AppConfig{"demo", "demo-secret", "team"};
  c->apps["cn"] = AppConfig{"cn", "cn-secret", "team"};
  c->apps["cn"].defaultCountryCode = "86";
  c->channels["im"] = ChannelConfig{"im", "", {"outbox"}, "", nullptr};
  c->channels["email"] = ChannelConfig{"email", "email", {"outbox"}, "", nullptr};
  c->channels["sms"] = ChannelConfig{"sms", "phone", {"outbox"}, "", nullptr};

  TemplateConfig welcome = templateOf("welcome", {"name"}, "im");
  welcome.content["im"] = contentOf("", "Welcome {{name}}!");
  welcome.content["email"] =
      contentOf("Hi {{ name }}", "Hello {{name}}, ready.", {{"format", "text"}});
  c->templates["welcome"] = welcome;

  TemplateConfig code = templateOf("code", {"code", "minutes"}, "");
  code.content["im"] = contentOf("", "Code {{code}}");
  code.content["sms"] = contentOf("", "Code {{code}}, valid {{minutes}} min");
  c->templates["code"] = code;

  TemplateConfig notice = templateOf("notice", {}, "");
  notice.content["email"] = contentOf("Notice", "Something happened.");
  c->templates["notice"] = notice;
  return c;
}

class MessagePreparerTest : public ::testing::Test {
 protected:
  static SendRequest request(std::string templateName, KeyValues to, KeyValues vars = {}) {
    SendRequest r;
    r.templateName = std::move(templateName);
    r.to = std::move(to);
    r.vars = std::move(vars);
    return r;
  }

  Result<NewMessage> prepare(const SendRequest& r, const std::string& prefix = "") const {
    return preparer_.prepare("demo", r, "\"r-1\"", prefix, kNow);
  }

  // The error of a request that must be refused.
  Error refused(const SendRequest& r, const std::string& prefix = "") const {
    Result<NewMessage> m = prepare(r, prefix);
    EXPECT_FALSE(m.ok());
    return m.ok() ? Error{} : m.error();
  }

  MessagePreparer preparer_{makeConfig()};
};

TEST_F(MessagePreparerTest, AuthenticateAcceptsOnlyTheRightToken) {
  EXPECT_TRUE(preparer_.authenticate("demo", "demo-secret").ok());
  for (const auto& [app, token] :
       std::vector<std::pair<std::string, std::string>>{{"demo", "demo-secreT"},
                                                        {"demo", "demo-secret-and-more"},
                                                        {"demo", "demo"},
                                                        {"demo", ""},
                                                        {"ghost", "demo-secret"}}) {
    Result<void> r = preparer_.authenticate(app, token);
    ASSERT_FALSE(r.ok()) << app << "/" << token;
    EXPECT_EQ(r.error().code, "unauthorized");
    EXPECT_EQ(r.error().field, "token");
  }
}

TEST_F(MessagePreparerTest, RendersAndFillsTheMessage) {
  SendRequest r = request("welcome", {{"email", "ann@example.com"}}, {{"name", "Ann"}});
  r.channel = "email";
  r.tags = {"signup", "web"};
  r.idempotencyKey = "k-1";
  Result<NewMessage> m = prepare(r);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->app, "demo");
  EXPECT_EQ(m->templateName, "welcome");
  EXPECT_EQ(m->channel, "email");
  EXPECT_EQ(m->subject, "Hi Ann");
  EXPECT_EQ(m->body, "Hello Ann, ready.");
  EXPECT_EQ(parseJsonObjectOfStrings(m->toJson), (KeyValues{{"email", "ann@example.com"}}));
  EXPECT_EQ(parseJsonObjectOfStrings(m->varsJson), (KeyValues{{"name", "Ann"}}));
  EXPECT_EQ(parseJsonObjectOfStrings(m->attrsJson), (KeyValues{{"format", "text"}}));
  EXPECT_EQ(m->tagsJson, R"(["signup","web"])");
  EXPECT_EQ(m->reqId, "\"r-1\"");
  EXPECT_EQ(m->idempotencyKey, "k-1");
  EXPECT_EQ(m->createdMs, kNow);
  EXPECT_EQ(m->sendAtMs, 0);
}

TEST_F(MessagePreparerTest, NationalPhoneNumbersNeedTheAppsCountryCode) {
  SendRequest r =
      request("code", {{"phone", "137 1111 2222"}}, {{"code", "123456"}, {"minutes", "5"}});
  r.channel = "sms";
  Error e = refused(r);
  EXPECT_EQ(e.code, "invalid_recipient");
  EXPECT_EQ(e.field, "to.phone");
  EXPECT_NE(e.message.find("default_country_code"), std::string::npos) << e.message;

  Result<NewMessage> m = preparer_.prepare("cn", r, "\"r-1\"", "", kNow);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(parseJsonObjectOfStrings(m->toJson), (KeyValues{{"phone", "+8613711112222"}}));
}

TEST_F(MessagePreparerTest, IdsAreFreshUuidV7) {
  SendRequest r = request("welcome", {{"user", "u1"}}, {{"name", "Ann"}});
  Result<NewMessage> a = prepare(r);
  Result<NewMessage> b = prepare(r);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(isMessageId(a->id)) << a->id;
  EXPECT_EQ(a->id[14], '7');
  EXPECT_LT(a->id, b->id);
}

TEST_F(MessagePreparerTest, UnknownTemplate) {
  Error e = refused(request("nope", {{"user", "u1"}}));
  EXPECT_EQ(e.code, "unknown_template");
  EXPECT_EQ(e.field, "template");
}

TEST_F(MessagePreparerTest, UndeclaredVariableIsUnknown) {
  Error e = refused(request("welcome", {{"user", "u1"}}, {{"name", "Ann"}, {"age", "3"}}));
  EXPECT_EQ(e.code, "unknown_variable");
  EXPECT_EQ(e.field, "vars.age");
}

TEST_F(MessagePreparerTest, MissingVariable) {
  Error e = refused(request("welcome", {{"user", "u1"}}));
  EXPECT_EQ(e.code, "missing_variable");
  EXPECT_EQ(e.field, "vars.name");
  EXPECT_NE(e.message.find("welcome"), std::string::npos) << e.message;
}

TEST_F(MessagePreparerTest, VariableMissingOnlyInTheChosenContent) {
  SendRequest r = request("code", {{"phone", "+8613800001234"}}, {{"code", "123456"}});
  r.channel = "im";
  ASSERT_TRUE(prepare(r).ok());
  r.channel = "sms";
  Error e = refused(r);
  EXPECT_EQ(e.code, "missing_variable");
  EXPECT_EQ(e.field, "vars.minutes");
}

TEST_F(MessagePreparerTest, ExplicitChannelWins) {
  SendRequest r = request("welcome", {{"email", "a@b.c"}}, {{"name", "Ann"}});
  r.channel = "email";
  EXPECT_EQ(prepare(r)->channel, "email");
}

TEST_F(MessagePreparerTest, DefaultChannelIsUsedWhenNoneGiven) {
  Result<NewMessage> m = prepare(request("welcome", {{"user", "u1"}}, {{"name", "Ann"}}));
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->channel, "im");
  EXPECT_EQ(m->body, "Welcome Ann!");
  EXPECT_EQ(m->subject, "");
}

TEST_F(MessagePreparerTest, OnlyContentIsUsedWhenNoneGiven) {
  Result<NewMessage> m = prepare(request("notice", {{"email", "a@b.c"}}));
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->channel, "email");
  EXPECT_EQ(m->subject, "Notice");
}

TEST_F(MessagePreparerTest, AmbiguousChannelIsRefused) {
  Error e = refused(request("code", {{"phone", "+1"}}, {{"code", "1"}, {"minutes", "5"}}));
  EXPECT_EQ(e.code, "unknown_channel");
  EXPECT_EQ(e.field, "channel");
}

TEST_F(MessagePreparerTest, ChannelWithoutContentIsRefused) {
  SendRequest r = request("notice", {{"phone", "+1"}});
  r.channel = "sms";
  Error e = refused(r);
  EXPECT_EQ(e.code, "unknown_channel");
  EXPECT_EQ(e.field, "channel");
  EXPECT_NE(e.message.find("email"), std::string::npos) << e.message;
}

TEST_F(MessagePreparerTest, RecipientKindRequiredByTheChannel) {
  SendRequest r = request("welcome", {{"phone", "+8613800001234"}}, {{"name", "Ann"}});
  r.channel = "email";
  Error e = refused(r);
  EXPECT_EQ(e.code, "invalid_recipient");
  EXPECT_EQ(e.field, "to.email");
}

TEST_F(MessagePreparerTest, EmptyAddressIsRefused) {
  Error e = refused(request("welcome", {{"user", "u1"}, {"email", ""}}, {{"name", "Ann"}}));
  EXPECT_EQ(e.code, "invalid_recipient");
  EXPECT_EQ(e.field, "to.email");
}

TEST_F(MessagePreparerTest, FieldPrefixIsApplied) {
  Error missing = refused(request("welcome", {{"user", "u1"}}), "messages[3].");
  EXPECT_EQ(missing.code, "missing_variable");
  EXPECT_EQ(missing.field, "messages[3].vars.name");
  Error tpl = refused(request("nope", {{"user", "u1"}}), "messages[0].");
  EXPECT_EQ(tpl.field, "messages[0].template");
}

TEST_F(MessagePreparerTest, FutureSendAtIsKept) {
  SendRequest r = request("welcome", {{"user", "u1"}}, {{"name", "Ann"}});
  r.sendAtMs = kNow + 60000;
  EXPECT_EQ(prepare(r)->sendAtMs, kNow + 60000);
}

TEST_F(MessagePreparerTest, PastOrPresentSendAtMeansNow) {
  SendRequest r = request("welcome", {{"user", "u1"}}, {{"name", "Ann"}});
  r.sendAtMs = kNow - 1;
  EXPECT_EQ(prepare(r)->sendAtMs, 0);
  r.sendAtMs = kNow;
  EXPECT_EQ(prepare(r)->sendAtMs, 0);
}

TEST(MessagePreparerAdmit, EnforcesTheAppsRateLimitWithAClearError) {
  auto config = std::make_shared<DaemonConfig>();
  config->apps["limited"] = AppConfig{"limited", "t", "team", {"2/1s"}};
  config->apps["free"] = AppConfig{"free", "t", "team", {}};
  MessagePreparer preparer(config);
  EXPECT_TRUE(preparer.admit("limited", 1000).ok());
  EXPECT_TRUE(preparer.admit("limited", 1001).ok());
  Result<void> third = preparer.admit("limited", 1002);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, "rate_limited");
  EXPECT_NE(third.error().message.find("retry in 1003 ms"), std::string::npos)
      << third.error().message;
  EXPECT_TRUE(preparer.admit("limited", 2005).ok());  // the window moved on
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(preparer.admit("free", 1000).ok());  // no limits configured
  }
}

}  // namespace
}  // namespace notify::core
