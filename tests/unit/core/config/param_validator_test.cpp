// SPDX-License-Identifier: Apache-2.0
#include "core/config/param_validator.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "support/test_env.hpp"

namespace notify::core {
namespace {

ParamSpec param(std::string name, notify_param_type type, bool required = false,
                const char* defaultValue = nullptr) {
  return ParamSpec{std::move(name),
                   type,
                   required,
                   defaultValue != nullptr,
                   defaultValue != nullptr ? defaultValue : "",
                   "the help"};
}

class ParamValidatorTest : public ::testing::Test {
 protected:
  // Validates a [providers.p] table against params; errors land in errors_.
  KeyValues validate(const std::string& toml, const std::vector<ParamSpec>& params) {
    toml::table table = toml::parse(toml, std::string("provider.toml"));
    SecretResolver secrets(dir_.path());
    return validateParams(table, "providers.p", params, {"plugin", "send_timeout_ms"}, secrets,
                          errors_);
  }

  std::string errors() const { return errors_.joined(); }

  test::TempDir dir_;
  ConfigErrors errors_;
};

#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE(std::string(text).find(part), std::string::npos) << "in: " << (text)

TEST_F(ParamValidatorTest, PassesValuesAsTextInDeclarationOrder) {
  KeyValues out = validate(R"(
plugin = "x"
verbose = true
url = "https://example.com"
retries = 3
)",
                           {param("url", NOTIFY_PARAM_STRING), param("retries", NOTIFY_PARAM_INT),
                            param("verbose", NOTIFY_PARAM_BOOL)});
  EXPECT_TRUE(errors_.empty()) << errors();
  EXPECT_EQ(out,
            (KeyValues{{"url", "https://example.com"}, {"retries", "3"}, {"verbose", "true"}}));
}

TEST_F(ParamValidatorTest, UnknownKeyListsValidAndReservedKeys) {
  validate("plugin = \"x\"\nurll = \"u\"\n", {param("url", NOTIFY_PARAM_STRING)});
  ASSERT_EQ(errors_.list().size(), 1u) << errors();
  EXPECT_CONTAINS(errors(), "provider.toml:2:");
  EXPECT_CONTAINS(errors(), "providers.p.urll: unknown key 'urll' (did you mean 'url'?)");
  EXPECT_CONTAINS(errors(), "valid keys: plugin, send_timeout_ms, url");
}

TEST_F(ParamValidatorTest, ReservedKeysAreSkipped) {
  KeyValues out = validate("plugin = \"x\"\nsend_timeout_ms = 100\n", {});
  EXPECT_TRUE(errors_.empty()) << errors();
  EXPECT_TRUE(out.empty());
}

struct WrongTypeCase {
  notify_param_type type;
  const char* value;
  const char* message;
};

TEST_F(ParamValidatorTest, WrongTypeIsReportedPerType) {
  const WrongTypeCase cases[] = {
      {NOTIFY_PARAM_STRING, "5", "must be string, not an integer"},
      {NOTIFY_PARAM_INT, "\"5\"", "must be integer, not a string"},
      {NOTIFY_PARAM_INT, "1.5", "must be integer, not a float"},
      {NOTIFY_PARAM_BOOL, "\"yes\"", "must be boolean, not a string"},
      {NOTIFY_PARAM_SECRET, "42", "must be a secret reference string, not an integer"},
      {NOTIFY_PARAM_LIST, "\"a\"", "must be list of strings, not a string"},
      {NOTIFY_PARAM_LIST, "[\"a\", 2]", "must be list of strings, not an array"},
      {NOTIFY_PARAM_PATH, "true", "must be path, not a boolean"},
  };
  for (const auto& c : cases) {
    errors_ = ConfigErrors{};
    KeyValues out = validate(std::string("v = ") + c.value + "\n", {param("v", c.type)});
    ASSERT_EQ(errors_.list().size(), 1u) << c.value;
    EXPECT_CONTAINS(errors(), std::string("providers.p.v: ") + c.message);
    EXPECT_TRUE(out.empty()) << c.value;
  }
}

TEST_F(ParamValidatorTest, MissingRequiredIsReportedWithHelp) {
  validate("plugin = \"x\"\n",
           {param("token", NOTIFY_PARAM_SECRET, true), param("optional", NOTIFY_PARAM_STRING)});
  ASSERT_EQ(errors_.list().size(), 1u) << errors();
  EXPECT_CONTAINS(errors(), "providers.p.token: missing required secret (the help)");
}

TEST_F(ParamValidatorTest, DefaultsAreFilledForAbsentKeys) {
  KeyValues out = validate("retries = 7\n", {param("retries", NOTIFY_PARAM_INT, false, "3"),
                                             param("mode", NOTIFY_PARAM_STRING, true, "fast"),
                                             param("absent", NOTIFY_PARAM_STRING)});
  EXPECT_TRUE(errors_.empty()) << errors();
  EXPECT_EQ(out, (KeyValues{{"retries", "7"}, {"mode", "fast"}}));
}

TEST_F(ParamValidatorTest, SecretFromEnvironmentIsResolved) {
  ::setenv("NOTIFY_UNIT_PARAM_SECRET", "s3cr3t-env", 1);
  KeyValues out = validate("key = \"env:NOTIFY_UNIT_PARAM_SECRET\"\n",
                           {param("key", NOTIFY_PARAM_SECRET, true)});
  ::unsetenv("NOTIFY_UNIT_PARAM_SECRET");
  EXPECT_TRUE(errors_.empty()) << errors();
  EXPECT_EQ(out, (KeyValues{{"key", "s3cr3t-env"}}));
}

TEST_F(ParamValidatorTest, SecretFromFileIsResolvedRelativeToBaseDir) {
  dir_.write("keys/k.txt", "s3cr3t-file\r\n");
  KeyValues out = validate("key = \"file:keys/k.txt\"\n", {param("key", NOTIFY_PARAM_SECRET)});
  EXPECT_TRUE(errors_.empty()) << errors();
  EXPECT_EQ(out, (KeyValues{{"key", "s3cr3t-file"}}));
}

TEST_F(ParamValidatorTest, BadSecretReferencesAreReportedWithoutTheValue) {
  ::unsetenv("NOTIFY_UNIT_PARAM_UNSET");
  validate(
      "a = \"plain-literal-99\"\nb = \"env:NOTIFY_UNIT_PARAM_UNSET\"\nc = \"file:nope\"\n"
      "d = \"env:\"\n",
      {param("a", NOTIFY_PARAM_SECRET), param("b", NOTIFY_PARAM_SECRET),
       param("c", NOTIFY_PARAM_SECRET), param("d", NOTIFY_PARAM_SECRET)});
  ASSERT_EQ(errors_.list().size(), 4u) << errors();
  EXPECT_CONTAINS(errors_.list()[0], "providers.p.a: a secret must be a reference");
  EXPECT_CONTAINS(errors_.list()[1], "providers.p.b: environment variable NOTIFY_UNIT_PARAM_UNSET");
  EXPECT_CONTAINS(errors_.list()[2], "providers.p.c: cannot read secret file");
  EXPECT_CONTAINS(errors_.list()[3], "providers.p.d: env: reference needs a variable name");
  EXPECT_EQ(errors().find("plain-literal-99"), std::string::npos) << errors();
}

TEST_F(ParamValidatorTest, ListIsJoinedWithNewlines) {
  KeyValues out = validate("to = [\"a@x\", \"b@x\", \"c@x\"]\nnone = []\n",
                           {param("to", NOTIFY_PARAM_LIST), param("none", NOTIFY_PARAM_LIST)});
  EXPECT_TRUE(errors_.empty()) << errors();
  EXPECT_EQ(out, (KeyValues{{"to", "a@x\nb@x\nc@x"}, {"none", ""}}));
}

TEST_F(ParamValidatorTest, PathIsMadeAbsoluteAgainstBaseDir) {
  KeyValues out = validate("rel = \"out/../box.jsonl\"\nabs = \"/var/x.jsonl\"\n",
                           {param("rel", NOTIFY_PARAM_PATH), param("abs", NOTIFY_PARAM_PATH)});
  EXPECT_TRUE(errors_.empty()) << errors();
  EXPECT_EQ(out,
            (KeyValues{{"rel", (dir_.path() / "box.jsonl").string()}, {"abs", "/var/x.jsonl"}}));
}

TEST_F(ParamValidatorTest, EveryProblemIsReportedAtOnce) {
  validate("x = 1\nn = \"one\"\n",
           {param("n", NOTIFY_PARAM_INT), param("req", NOTIFY_PARAM_STRING, true)});
  EXPECT_EQ(errors_.list().size(), 3u) << errors();
}

}  // namespace
}  // namespace notify::core
