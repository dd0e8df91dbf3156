// SPDX-License-Identifier: Apache-2.0
#include "core/routing/route_policy.hpp"

#include <gtest/gtest.h>

#include <map>

#include "core/config/config_loader.hpp"
#include "core/dispatch/provider_guards.hpp"
#include "core/ingress/message_preparer.hpp"
#include "support/test_env.hpp"

namespace notify::core {
namespace {

const std::string kConfig = R"(
[apps.shop]
token = "env:NOTIFY_ROUTE_TEST_TOKEN"
[apps.ops]
token = "env:NOTIFY_ROUTE_TEST_TOKEN"
[lanes.otp]
[providers.tencent]
plugin = "file"
[providers.aliyun]
plugin = "file"
[providers.backup]
plugin = "file"
[channels.sms]
recipient = "phone"
providers = ["backup"]
[channels.im]
providers = ["backup"]
[templates.code]
lane = "otp"
vars = ["code"]
default_channel = "sms"
[templates.code.content.sms]
body = "{{code}}"
[templates.code.content.im]
body = "{{code}}"

[[routes]]
name = "ops-im"
app = ["ops"]
channel = "im"

[[routes]]
name = "otp-split"
lane = ["otp"]
recipient = ["phone"]
channel = "sms"
providers = ["tencent", "aliyun", "backup"]
weights = [70, 20, 10]

[[routes]]
name = "default"
channel = "sms"
providers = ["aliyun", "tencent"]
)";

class RoutePolicyTest : public ::testing::Test {
 protected:
  void SetUp() override { setenv("NOTIFY_ROUTE_TEST_TOKEN", "t", 1); }
  DaemonConfig load(const std::string& text) {
    return loadConfig(dir_.write("notifyd.toml", text));
  }
  std::string errorsOf(const std::string& text) {
    try {
      load(text);
    } catch (const ConfigError& e) {
      return e.what();
    }
    ADD_FAILURE() << "accepted";
    return {};
  }
  static SendRequest codeTo(KeyValues to) {
    SendRequest r;
    r.templateName = "code";
    r.to = std::move(to);
    r.vars = {{"code", "1234"}};
    return r;
  }
  test::TempDir dir_;
};

TEST_F(RoutePolicyTest, FirstMatchWinsAndTheTraceSaysWhy) {
  DaemonConfig c = load(kConfig);
  const TemplateConfig& tpl = c.templates.at("code");
  Result<RouteDecision> ops = routeMessage(c, tpl, "ops", codeTo({{"phone", "+8613800000000"}}), 0);
  ASSERT_TRUE(ops.ok());
  EXPECT_EQ(ops->rule, "ops-im");
  EXPECT_EQ(ops->channel, "im");
  EXPECT_EQ(ops->providers, std::vector<std::string>{"backup"});

  Result<RouteDecision> shop = routeMessage(c, tpl, "shop", codeTo({{"user", "u1"}}), 0);
  ASSERT_TRUE(shop.ok());
  EXPECT_EQ(shop->rule, "default");
  EXPECT_EQ(shop->providers, (std::vector<std::string>{"aliyun", "tencent"}));
  ASSERT_EQ(shop->trace.size(), 3u);
  EXPECT_NE(shop->trace[0].find("skipped: app 'shop' is not one of ops"), std::string::npos);
  EXPECT_NE(shop->trace[1].find("skipped: 'to' has no phone address"), std::string::npos);
  EXPECT_NE(shop->trace[1].find("notifyd.toml:"), std::string::npos) << shop->trace[1];
  EXPECT_NE(shop->trace[2].find("matched"), std::string::npos);

  SendRequest im = codeTo({{"phone", "+8613800000000"}});
  im.channel = "im";
  Result<RouteDecision> asked = routeMessage(c, tpl, "shop", im, 0);
  ASSERT_TRUE(asked.ok());
  EXPECT_EQ(asked->rule, "");  // no rule routes to im for shop: the requested channel stands
  EXPECT_EQ(asked->channel, "im");
}

// With no rule matching, the trace says which channel was taken and why that one: requested,
// the template's default, or the only channel it has.
TEST_F(RoutePolicyTest, WithoutARuleTheTraceSaysWhyThatChannel) {
  DaemonConfig c = load(kConfig.substr(0, kConfig.find("[[routes]]")) + R"(
[templates.note]
vars = ["code"]
[templates.note.content.im]
body = "{{code}}"
)");
  SendRequest im = codeTo({{"user", "u1"}});
  im.channel = "im";
  Result<RouteDecision> asked = routeMessage(c, c.templates.at("code"), "shop", im, 0);
  ASSERT_TRUE(asked.ok());
  EXPECT_EQ(asked->trace.back(),
            "no rule matched: channel 'im' (requested), providers backup (fail-over order)");

  Result<RouteDecision> byDefault =
      routeMessage(c, c.templates.at("code"), "shop", codeTo({{"phone", "+8613800000000"}}), 0);
  ASSERT_TRUE(byDefault.ok());
  EXPECT_EQ(byDefault->trace.back(),
            "no rule matched: channel 'sms' (the template's default), providers backup "
            "(fail-over order)");

  SendRequest note = codeTo({{"user", "u1"}});
  note.templateName = "note";
  Result<RouteDecision> only = routeMessage(c, c.templates.at("note"), "shop", note, 0);
  ASSERT_TRUE(only.ok());
  EXPECT_EQ(only->trace.back(),
            "no rule matched: channel 'im' (the template's only one), providers backup "
            "(fail-over order)");
}

// 10,000 messages through the preparer: the first provider of each chain follows the weights
// within 2 percentage points, and the rest of the chain keeps the configured fail-over order.
TEST_F(RoutePolicyTest, WeightedSplitOfTenThousandIsWithinTwoPercent) {
  auto c = std::make_shared<const DaemonConfig>(load(kConfig));
  MessagePreparer preparer(c);
  std::map<std::string, int> first;
  const int n = 10000;
  for (int i = 0; i < n; ++i) {
    Result<NewMessage> m =
        preparer.prepare("shop", codeTo({{"phone", "+8613800000000"}}), "", "", 1);
    ASSERT_TRUE(m.ok()) << m.error().message;
    ASSERT_EQ(m->providers.size(), 3u);
    first[m->providers[0]]++;
    std::vector<std::string> rest(m->providers.begin() + 1, m->providers.end());
    std::vector<std::string> order = {"tencent", "aliyun", "backup"};
    order.erase(std::find(order.begin(), order.end(), m->providers[0]));
    EXPECT_EQ(rest, order);
  }
  EXPECT_NEAR(first["tencent"] * 100.0 / n, 70.0, 2.0);
  EXPECT_NEAR(first["aliyun"] * 100.0 / n, 20.0, 2.0);
  EXPECT_NEAR(first["backup"] * 100.0 / n, 10.0, 2.0);
}

TEST_F(RoutePolicyTest, FailOverFollowsTheRoutedChain) {
  DaemonConfig c = load(kConfig);
  ProviderGuards guards(c);
  std::vector<std::string> chain = {"aliyun", "tencent"};  // the default rule's order
  EXPECT_EQ(guards.choose(chain, 1, 0).provider, "aliyun");
  EXPECT_EQ(guards.choose(chain, 2, 0).provider, "tencent");
  EXPECT_EQ(guards.choose(chain, 3, 0).provider, "aliyun");
}

TEST_F(RoutePolicyTest, ReferencesAreChecked) {
  std::string errors = errorsOf(kConfig + R"(
[[routes]]
name = "late"
template = ["nope"]
lane = ["bulk"]
channel = "fax"
providers = ["tencent", "ghost"]
weights = [1]
)");
  EXPECT_NE(errors.find("routes[3].template: unknown template 'nope'"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("routes[3].lane: unknown lane 'bulk'"), std::string::npos);
  EXPECT_NE(errors.find("routes[3].channel: unknown channel 'fax'"), std::string::npos);
  EXPECT_NE(errors.find("routes[3].providers: unknown provider 'ghost'"), std::string::npos);
  EXPECT_NE(errors.find("has 1 weights for 2 providers"), std::string::npos);
  EXPECT_NE(errors.find("routes[3]: is never reached: rule 'default'"), std::string::npos);
}

}  // namespace
}  // namespace notify::core
