// SPDX-License-Identifier: Apache-2.0
#include "core/templates/renderer.hpp"

#include <gtest/gtest.h>

namespace notify::core {
namespace {

using Names = std::vector<std::string>;

std::string render(std::string_view text, const KeyValues& vars) {
  Result<std::string> out = renderText(text, vars, "t");
  EXPECT_TRUE(out.ok()) << out.error().message;
  return out.ok() ? out.value() : std::string();
}

TEST(Placeholders, AreListedInOrderOfAppearance) {
  EXPECT_EQ(placeholdersOf("Hi {{name}}, code {{ code }} for {{name}}"),
            (Names{"name", "code", "name"}));
  EXPECT_EQ(placeholdersOf("no placeholders"), Names{});
  EXPECT_EQ(placeholdersOf(""), Names{});
}

TEST(Placeholders, UnclosedBracesAreText) {
  EXPECT_EQ(placeholdersOf("a {{b"), Names{});
  EXPECT_EQ(placeholdersOf("}} {{x}} {{"), Names{"x"});
}

TEST(Render, ReplacesEachPlaceholder) {
  EXPECT_EQ(render("Hi {{name}}, your code is {{ code }}.", {{"name", "Ann"}, {"code", "42"}}),
            "Hi Ann, your code is 42.");
}

TEST(Render, RepeatedAndAdjacentPlaceholders) {
  EXPECT_EQ(render("{{a}}{{b}}{{a}}", {{"a", "1"}, {"b", "2"}}), "121");
}

TEST(Render, TextWithoutPlaceholdersIsCopied) {
  EXPECT_EQ(render("plain { text } with }} braces", {}), "plain { text } with }} braces");
  EXPECT_EQ(render("", {}), "");
  EXPECT_EQ(render("tail {{open", {}), "tail {{open");
}

TEST(Render, ValuesAreNotExpandedAgain) {
  EXPECT_EQ(render("{{a}}", {{"a", "{{b}}"}, {"b", "x"}}), "{{b}}");
}

TEST(Render, UnusedVariablesAreIgnored) {
  EXPECT_EQ(render("x", {{"a", "1"}}), "x");
}

TEST(Render, Utf8PassesThrough) {
  EXPECT_EQ(render("你好，{{name}}！", {{"name", "安"}}), "你好，安！");
}

TEST(Render, MissingVariableNamesItAndTheTemplate) {
  Result<std::string> out = renderText("Hi {{name}} {{code}}", {{"name", "Ann"}}, "welcome");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, "missing_variable");
  EXPECT_EQ(out.error().field, "vars.code");
  EXPECT_EQ(out.error().message, "template 'welcome' needs variable 'code'");
}

TEST(Render, EmptyPlaceholderIsAMissingVariableNotATruncation) {
  Result<std::string> out = renderText("Hello {{}} world", {}, "t");
  ASSERT_FALSE(out.ok()) << "rendered as '" << out.value() << "'";
  EXPECT_EQ(out.error().code, "missing_variable");
  EXPECT_EQ(out.error().field, "vars.");
}

}  // namespace
}  // namespace notify::core
