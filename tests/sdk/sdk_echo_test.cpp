// SPDX-License-Identifier: Apache-2.0
// The pure-C echo example, built out of tree against the installed SDK, loads and sends.
#include <gtest/gtest.h>

#include "core/plugin/channel_instance.hpp"
#include "core/http/http_engine.hpp"
#include "core/plugin/plugin_catalog.hpp"
#include "support/test_env.hpp"

namespace notify::core {
namespace {

TEST(SdkOutOfTree, EchoExampleLoadsAndSends) {
  PluginCatalog catalog = PluginCatalog::scan(test::buildDir() / "sdk-out-of-tree" / "plugins");
  auto library = catalog.find("echo");
  ASSERT_NE(library, nullptr) << (catalog.refused().empty() ? "no plugin found"
                                                            : catalog.refused()[0].reason);
  auto instance = ChannelInstance::create(library, "echo-1", {{"prefix", "> "}},
                                          std::make_shared<HttpEngine>());
  ASSERT_TRUE(instance.ok()) << instance.error().message;
  OutboundMessage message;
  message.id = "019a0000-0000-7000-8000-0000000000aa";
  message.body = "hello";
  SendOutcome outcome = instance.value()->send(message);
  EXPECT_EQ(outcome.status, NOTIFY_DELIVERED);
  EXPECT_EQ(outcome.detail, "> hello");
  EXPECT_EQ(outcome.providerMessageId, message.id);
}

}  // namespace
}  // namespace notify::core
