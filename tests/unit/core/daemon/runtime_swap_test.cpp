// SPDX-License-Identifier: Apache-2.0
// A reload swaps the runtime while a send is under way: the old provider instance and its plugin
// library stay alive until the last holder of the old snapshot lets go, then both are destroyed.
#include <gtest/gtest.h>

#include "core/config/config_loader.hpp"
#include "core/daemon/runtime.hpp"
#include "core/http/http_engine.hpp"
#include "support/test_env.hpp"
#include "unit/core/runtime_of.hpp"

namespace notify::core {
namespace {

using test::runtimeOf;

TEST(RuntimeSwap, OldInstanceAndLibraryLiveUntilTheLastSendEnds) {
  test::TempDir dir;
  std::filesystem::path file = dir.write("notifyd.toml", R"(
[plugins]
dir = ")" + (test::buildDir() / "test_plugins").string() + R"("
[providers.p1]
plugin = "fixture_ok"
target = "x"
)");
  auto http = std::make_shared<HttpEngine>();
  std::shared_ptr<const Runtime> first = runtimeOf(file, http);
  std::weak_ptr<ChannelInstance> oldInstance = first->providers->find("p1");
  std::weak_ptr<const PluginLibrary> oldLibrary = first->catalog->find("fixture_ok");
  RuntimeHolder holder(std::move(first));

  // A send in progress: the dispatcher holds its snapshot and the instance.
  std::shared_ptr<const Runtime> inFlight = holder.get();
  std::shared_ptr<ChannelInstance> sending = inFlight->providers->find("p1");

  holder.set(runtimeOf(file, http));  // the reload
  EXPECT_NE(holder.get()->providers->find("p1"), sending);
  ASSERT_FALSE(oldInstance.expired());
  ASSERT_FALSE(oldLibrary.expired());
  OutboundMessage message;
  message.id = "m-1";
  message.body = "hello";
  EXPECT_EQ(sending->send(message).status, NOTIFY_DELIVERED);  // finishes on the old instance

  sending.reset();
  EXPECT_FALSE(oldInstance.expired());  // the snapshot still owns it
  inFlight.reset();
  EXPECT_TRUE(oldInstance.expired());
  EXPECT_TRUE(oldLibrary.expired());  // unloaded only after its last instance is gone
}

}  // namespace
}  // namespace notify::core
