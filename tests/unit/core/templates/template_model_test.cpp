// SPDX-License-Identifier: Apache-2.0
// The template model: declared variables with rules, rendering per target, templates loaded
// from a directory, the kill switch.
#include <gtest/gtest.h>

#include "core/config/config_loader.hpp"
#include "core/ingress/message_preparer.hpp"
#include "core/templates/content_renderer.hpp"
#include "support/test_env.hpp"

namespace notify::core {
namespace {

VarSpec spec(std::string name, VarType type) {
  VarSpec s;
  s.name = std::move(name);
  s.type = type;
  return s;
}

std::string ruleBroken(const VarSpec& s, const std::string& value) {
  Result<void> r = checkVar(s, value);
  EXPECT_FALSE(r.ok()) << s.name << "=" << value;
  if (r.ok()) {
    return {};
  }
  EXPECT_EQ(r.error().code, "invalid_variable");
  EXPECT_EQ(r.error().field, "vars." + s.name);
  return r.error().message;
}

TEST(VarRules, DigitsWithLengthNameTheRule) {
  VarSpec code = spec("code", VarType::kDigits);
  code.minLength = 4;
  code.maxLength = 8;
  EXPECT_TRUE(checkVar(code, "1234").ok());
  EXPECT_TRUE(checkVar(code, "12345678").ok());
  for (const char* bad : {"123", "123456789", "12a4", "", " 1234"}) {
    EXPECT_EQ(ruleBroken(code, bad), "variable 'code' must be 4-8 digits");
  }
}

TEST(VarRules, EveryTypeRefusesWhatItIsNot) {
  VarSpec n = spec("n", VarType::kInt);
  n.minValue = 1;
  n.maxValue = 60;
  EXPECT_TRUE(checkVar(n, "60").ok());
  EXPECT_NE(ruleBroken(n, "61").find("between 1 and 60"), std::string::npos);
  EXPECT_NE(ruleBroken(n, "1.5").find("must be an integer"), std::string::npos);

  VarSpec e = spec("kind", VarType::kEnum);
  e.values = {"a", "b"};
  EXPECT_TRUE(checkVar(e, "b").ok());
  EXPECT_NE(ruleBroken(e, "c").find("one of: a, b"), std::string::npos);

  EXPECT_TRUE(checkVar(spec("m", VarType::kEmail), "ann@example.com").ok());
  EXPECT_NE(ruleBroken(spec("m", VarType::kEmail), "ann@").find("email"), std::string::npos);
  EXPECT_TRUE(checkVar(spec("p", VarType::kPhone), "+8613800000000").ok());
  EXPECT_NE(ruleBroken(spec("p", VarType::kPhone), "13800000000").find("E.164"), std::string::npos);
  EXPECT_TRUE(checkVar(spec("u", VarType::kUrl), "https://a.example/x?y=1").ok());
  EXPECT_NE(ruleBroken(spec("u", VarType::kUrl), "javascript:alert(1)").find("URL"),
            std::string::npos);

  VarSpec s = spec("name", VarType::kString);
  s.maxLength = 3;
  EXPECT_TRUE(checkVar(s, "张三丰").ok());  // characters, not bytes
  EXPECT_EQ(ruleBroken(s, "Anna"), "variable 'name' must be at most 3 characters long");
  VarSpec p = spec("ref", VarType::kString);
  p.pattern = "[A-Z]{2}-[0-9]+";
  p.regex = std::make_shared<const std::regex>(p.pattern);
  EXPECT_TRUE(checkVar(p, "AB-12").ok());
  EXPECT_NE(ruleBroken(p, "ab-12").find("must match the pattern [A-Z]{2}-[0-9]+"),
            std::string::npos);
}

TemplateConfig receiptTemplate() {
  TemplateConfig t;
  t.name = "receipt";
  t.vars = {"name", "url", "code"};
  for (const auto& v : t.vars) {
    VarSpec s;
    s.name = v;
    t.varSpecs.push_back(s);
  }
  return t;
}

TEST(ContentRenderer, EscapesValuesForTheirTarget) {
  TemplateConfig t = receiptTemplate();
  TemplateContent c;
  c.subject = "Hi {{name}}";
  c.body = "Hello {{name}}";
  c.html = "<p>Hello <b>{{name}}</b></p>";
  c.card = R"({"title":"{{name}}"})";
  c.attrs = {{"url", "https://x.example/r/{{code}}"}};
  KeyValues vars = {{"name", "<Ann & \"Bo\">"}, {"url", ""}, {"code", "42"}};
  Result<RenderedContent> r = renderContent(t, c, vars);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->subject, "Hi <Ann & \"Bo\">");
  EXPECT_EQ(r->body, "Hello <Ann & \"Bo\">");
  KeyValues expected = {{"url", "https://x.example/r/42"},
                        {"html_body", "<p>Hello <b>&lt;Ann &amp; &quot;Bo&quot;&gt;</b></p>"},
                        {"card", R"({"title":"<Ann & \"Bo\">"})"},
                        {"msg_type", "card"}};
  EXPECT_EQ(r->attrs, expected);
}

TEST(ContentRenderer, SmsPartsBecomePerProviderAttrs) {
  TemplateConfig t = receiptTemplate();
  TemplateContent c;
  c.body = "Code {{code}}";
  c.providerTemplates = {{"tencent", "1001"}, {"aliyun", "SMS_9"}};
  c.params = {"code", "name"};
  c.signature = "Acme";
  Result<RenderedContent> r = renderContent(t, c, {{"code", "1234"}, {"name", "A"}});
  ASSERT_TRUE(r.ok());
  KeyValues tencent = attrsForProvider(r->attrs, "tencent");
  KeyValues expected = {{"params", "code,name"}, {"sign_name", "Acme"}, {"template_id", "1001"}};
  EXPECT_EQ(tencent, expected);
  expected.back().second = "SMS_9";
  EXPECT_EQ(attrsForProvider(r->attrs, "aliyun"), expected);
}

TEST(ContentRenderer, UndeclaredAndMissingVariablesAreRefused) {
  TemplateConfig t = receiptTemplate();
  Result<void> extra =
      checkTemplateVars(t, {{"name", "a"}, {"url", "u"}, {"code", "1"}, {"debug", "1"}});
  ASSERT_FALSE(extra.ok());
  EXPECT_EQ(extra.error().code, "unknown_variable");
  EXPECT_EQ(extra.error().field, "vars.debug");
  Result<void> missing = checkTemplateVars(t, {{"name", "a"}, {"url", "u"}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "missing_variable");
  EXPECT_EQ(missing.error().field, "vars.code");
}

const std::string kBase = R"(
[apps.demo]
token = "env:NOTIFY_TEMPLATE_TEST_TOKEN"
[providers.outbox]
plugin = "file"
path = "out.jsonl"
[channels.sms]
recipient = "phone"
providers = ["outbox"]
[templates]
dir = "templates"
)";

class TemplateDirTest : public ::testing::Test {
 protected:
  void SetUp() override { setenv("NOTIFY_TEMPLATE_TEST_TOKEN", "secret", 1); }
  DaemonConfig load(const std::string& templates) {
    dir_.write("templates/auth.toml", templates);
    return loadConfig(dir_.write("notifyd.toml", kBase));
  }
  std::string errorsOf(const std::string& templates) {
    try {
      load(templates);
    } catch (const ConfigError& e) {
      return e.what();
    }
    ADD_FAILURE() << "accepted";
    return {};
  }
  test::TempDir dir_;
};

const std::string kLoginCode = R"([login_code]
owner = "identity-team"
business_line = "accounts"
enabled = false
[login_code.vars.code]
type = "digits"
min_length = 4
max_length = 8
[login_code.content.sms]
body = "Your code is {{code}}"
provider_templates = { outbox = "T-1" }
params = ["code"]
signature = "Acme"
)";

TEST_F(TemplateDirTest, LoadsTemplatesFromTheDirectory) {
  DaemonConfig c = load(kLoginCode);
  ASSERT_EQ(c.templates.count("login_code"), 1u);
  const TemplateConfig& t = c.templates.at("login_code");
  EXPECT_EQ(t.owner, "identity-team");
  EXPECT_EQ(t.businessLine, "accounts");
  EXPECT_FALSE(t.enabled);
  ASSERT_EQ(t.varSpecs.size(), 1u);
  EXPECT_EQ(t.varSpecs[0].type, VarType::kDigits);
  EXPECT_EQ(t.varSpecs[0].maxLength, 8);
  EXPECT_EQ(t.content.at("sms").signature, "Acme");
}

TEST_F(TemplateDirTest, ErrorsNameTheFileLineAndRule) {
  std::string errors = errorsOf(
      "[bad]\nvars.code = { type = \"digitz\" }\n"
      "[bad.content.sms]\nbody = \"{{code}} {{other}}\"\n"
      "provider_templates = { nowhere = \"1\" }\n");
  std::string file = (dir_.path() / "templates" / "auth.toml").string();
  EXPECT_NE(errors.find(file + ":2:"), std::string::npos) << errors;
  EXPECT_NE(errors.find("templates.bad.vars.code.type: unknown type 'digitz'"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("uses {{other}} but vars does not declare it"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("unknown provider 'nowhere'"), std::string::npos) << errors;
}

TEST_F(TemplateDirTest, DisabledTemplateIsSuppressedWithAReason) {
  auto config = std::make_shared<const DaemonConfig>(load(kLoginCode));
  MessagePreparer preparer(config);
  SendRequest r;
  r.templateName = "login_code";
  r.to = {{"phone", "+8613800000000"}};
  r.vars = {{"code", "123"}};
  Result<NewMessage> bad = preparer.prepare("demo", r, "", "", 1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "vars.code");
  EXPECT_EQ(bad.error().message, "variable 'code' must be 4-8 digits");
  r.vars = {{"code", "1234"}};
  Result<NewMessage> m = preparer.prepare("demo", r, "", "", 1);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->suppressReason, "template 'login_code' is disabled (enabled = false)");
}

}  // namespace
}  // namespace notify::core
