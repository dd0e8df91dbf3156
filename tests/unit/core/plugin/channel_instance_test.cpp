// SPDX-License-Identifier: Apache-2.0
// Creating providers from checked configuration and classifying what plugins answer.
#include "core/plugin/channel_instance.hpp"

#include <gtest/gtest.h>

#include "core/config/config_loader.hpp"
#include "core/http/http_engine.hpp"
#include "core/plugin/plugin_catalog.hpp"
#include "core/plugin/provider_set.hpp"
#include "support/test_env.hpp"

namespace notify::core {
namespace {

class ChannelInstanceTest : public ::testing::Test {
 protected:
  std::shared_ptr<const PluginLibrary> library(const std::string& name) {
    auto lib = catalog_.find(name);
    EXPECT_NE(lib, nullptr) << name;
    return lib;
  }

  std::unique_ptr<ChannelInstance> create(const std::string& plugin, const KeyValues& config) {
    auto instance = ChannelInstance::create(library(plugin), "p1", config, http_);
    EXPECT_TRUE(instance.ok()) << instance.error().message;
    return instance ? std::move(instance).value() : nullptr;
  }

  static OutboundMessage message(const std::string& body) {
    OutboundMessage m;
    m.id = "019a0000-0000-7000-8000-000000000001";
    m.body = body;
    m.to = {{"phone", "+8613800000000"}};
    m.deadlineUnixMs = 0;
    return m;
  }

  PluginCatalog catalog_ = PluginCatalog::scan(test::buildDir() / "test_plugins");
  std::shared_ptr<HttpEngine> http_ = std::make_shared<HttpEngine>();
};

TEST_F(ChannelInstanceTest, CopiesTheClassifiedOutcomeOutOfThePlugin) {
  auto instance = create("fixture_ok", {{"target", "x"}, {"retries", "3"}});
  SendOutcome delivered = instance->send(message("hello"));
  EXPECT_EQ(delivered.status, NOTIFY_DELIVERED);
  EXPECT_EQ(delivered.providerMessageId, "pm-019a0000-0000-7000-8000-000000000001");
  EXPECT_EQ(delivered.detail, "target=x retries=3");

  SendOutcome retry = instance->send(message("retry"));
  EXPECT_EQ(retry.status, NOTIFY_RETRY);
  EXPECT_EQ(retry.retryAfterMs, 1500);
  EXPECT_EQ(retry.providerCode, "TEMP");

  SendOutcome rejected = instance->send(message("reject"));
  EXPECT_EQ(rejected.status, NOTIFY_REJECTED);
  EXPECT_EQ(rejected.providerCode, "BAD_NUMBER");

  EXPECT_EQ(instance->send(message("ratelimit")).status, NOTIFY_RATE_LIMITED);
}

TEST_F(ChannelInstanceTest, TextThatIsNotUtf8ComesOutWellFormed) {
  auto instance = create("fixture_ok", {{"target", "x"}});
  SendOutcome garbled = instance->send(message("garbled"));
  EXPECT_EQ(garbled.status, NOTIFY_REJECTED);
  const std::string bad = "\xEF\xBF\xBD";  // U+FFFD, one per byte that is not UTF-8
  EXPECT_EQ(garbled.providerCode, "E" + bad + bad);
  EXPECT_EQ(garbled.detail, bad + bad + bad + bad + " bad number");
}

TEST_F(ChannelInstanceTest, ValidateHookRefusesBadConfiguration) {
  auto instance = ChannelInstance::create(library("fixture_ok"), "p1", {{"target", ""}}, http_);
  ASSERT_FALSE(instance.ok());
  EXPECT_EQ(instance.error().code, "bad_config");
}

TEST_F(ChannelInstanceTest, AnExceptionInCreateIsAnErrorNotACrash) {
  auto instance =
      ChannelInstance::create(library("fixture_throwing"), "p1", {{"explode", "true"}}, http_);
  ASSERT_FALSE(instance.ok());
  EXPECT_EQ(instance.error().code, "plugin_error");
  EXPECT_FALSE(instance.error().message.empty());
}

TEST_F(ChannelInstanceTest, AnExceptionInSendIsAnInternalErrorNotACrash) {
  auto instance = create("fixture_throwing", {{"explode", "false"}});
  SendOutcome outcome = instance->send(message("anything"));
  EXPECT_EQ(outcome.status, NOTIFY_INTERNAL_ERROR);
  EXPECT_EQ(outcome.detail, "boom from send");
}

TEST_F(ChannelInstanceTest, InstanceKeepsItsLibraryAlive) {
  std::weak_ptr<const PluginLibrary> weak;
  std::unique_ptr<ChannelInstance> instance;
  {
    PluginCatalog catalog = PluginCatalog::scan(test::buildDir() / "test_plugins");
    weak = catalog.find("fixture_ok");
    auto created =
        ChannelInstance::create(catalog.find("fixture_ok"), "p", {{"target", "t"}}, http_);
    ASSERT_TRUE(created.ok());
    instance = std::move(created).value();
  }
  EXPECT_FALSE(weak.expired());  // the catalog is gone; the instance still holds the library
  EXPECT_EQ(instance->send(message("hi")).status, NOTIFY_DELIVERED);
  instance.reset();
  EXPECT_TRUE(weak.expired());
}

DaemonConfig configWithProvider(const std::string& providerTable) {
  return parseConfig(R"(
[plugins]
dir = ")" + (test::buildDir() / "test_plugins").string() +
                         R"("
[providers.p1]
)" + providerTable,
                     "/tmp/notify-test.toml");
}

std::string providerErrors(const std::string& providerTable) {
  DaemonConfig config = configWithProvider(providerTable);
  PluginCatalog catalog = PluginCatalog::scan(config.pluginDir);
  try {
    ProviderSet::build(config, catalog, std::make_shared<HttpEngine>());
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ProviderSet, BuildsProvidersFromCheckedConfiguration) {
  DaemonConfig config = configWithProvider("plugin = \"fixture_ok\"\ntarget = \"x\"\n");
  PluginCatalog catalog = PluginCatalog::scan(config.pluginDir);
  auto providers = ProviderSet::build(config, catalog, std::make_shared<HttpEngine>());
  ASSERT_NE(providers->find("p1"), nullptr);
  EXPECT_EQ(providers->find("p1")->plugin().name, "fixture_ok");
}

TEST(ProviderSet, ReportsEveryConfigurationProblemBeforeThePluginSeesIt) {
  std::string errors =
      providerErrors("plugin = \"fixture_ok\"\ntarrget = \"x\"\nretries = \"3\"\n");
  EXPECT_NE(errors.find("providers.p1.tarrget: unknown key 'tarrget' (did you mean 'target'?)"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("valid keys: plugin, send_timeout_ms, rate_limits, rate_margin_ms, "
                        "throttle_pause_ms, max_concurrency, circuit_failures, "
                        "circuit_cooldown_ms, receipt_token, target, retries"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("providers.p1.retries: must be integer, not a string"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("providers.p1.target: missing required string"), std::string::npos)
      << errors;
}

TEST(ProviderSet, RefusesALiteralSecret) {
  std::string errors =
      providerErrors("plugin = \"fixture_ok\"\ntarget = \"x\"\napi_key = \"hunter2\"\n");
  EXPECT_NE(errors.find("providers.p1.api_key: a secret must be a reference"), std::string::npos)
      << errors;
  EXPECT_EQ(errors.find("hunter2"), std::string::npos);  // never echo a secret
}

TEST(ProviderSet, NamesWhyAPluginIsUnavailable) {
  std::string errors = providerErrors("plugin = \"fixture_newer_minor\"\n");
  EXPECT_NE(errors.find("no plugin 'fixture_newer_minor'"), std::string::npos) << errors;
  EXPECT_NE(errors.find("it was refused: built for plugin ABI"), std::string::npos) << errors;
}

}  // namespace
}  // namespace notify::core
