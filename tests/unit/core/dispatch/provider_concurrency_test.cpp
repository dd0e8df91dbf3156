// SPDX-License-Identifier: Apache-2.0
// A provider's max_concurrency: the gate itself, and a lane of eight workers sending to a slow
// provider capped at two (fixture_slow reports the most sends it saw in flight at once).
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "core/common/ids.hpp"
#include "core/common/time.hpp"
#include "core/daemon/runtime.hpp"
#include "core/dispatch/concurrency_gate.hpp"
#include "core/dispatch/dispatcher.hpp"
#include "core/http/http_engine.hpp"
#include "core/store/sqlite_store.hpp"
#include "support/test_env.hpp"
#include "unit/core/runtime_of.hpp"

namespace notify::core {
namespace {

using std::chrono::milliseconds;

TEST(ConcurrencyGate, AdmitsUpToItsLimitAndAWaiterWhenAPlaceFrees) {
  ConcurrencyGate gate(2);
  EXPECT_TRUE(gate.enter(milliseconds(0)));
  EXPECT_TRUE(gate.enter(milliseconds(0)));
  EXPECT_FALSE(gate.enter(milliseconds(20))) << "both places taken";
  EXPECT_EQ(gate.inUse(), 2);

  std::future<bool> waiter = std::async(std::launch::async, [&] {
    return gate.enter(milliseconds(5000));
  });
  std::this_thread::sleep_for(milliseconds(20));
  gate.leave();
  EXPECT_TRUE(waiter.get());
  EXPECT_EQ(gate.inUse(), 2);
}

TEST(ConcurrencyGate, WithoutALimitEveryoneEnters) {
  ConcurrencyGate gate(0);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(gate.enter(milliseconds(0)));
  }
  EXPECT_EQ(gate.inUse(), 1000);
}

DaemonConfig withCap(int maxConcurrency) {
  DaemonConfig config;
  ProviderConfig provider;
  provider.name = "p";
  provider.plugin = "fixture_slow";
  provider.maxConcurrency = maxConcurrency;
  config.providers.emplace("p", provider);
  return config;
}

// A reload that leaves the cap as it was keeps the places taken; a changed cap starts afresh.
TEST(ProviderGuardsConcurrency, AReloadKeepsThePlacesTakenUnlessTheCapChanged) {
  ProviderGuards before(withCap(1));
  EXPECT_EQ(before.maxConcurrency("p"), 1);
  ASSERT_TRUE(before.enter("p", milliseconds(0)));
  EXPECT_FALSE(before.enter("p", milliseconds(0)));

  ProviderGuards same(withCap(1), nullptr, &before);
  EXPECT_FALSE(same.enter("p", milliseconds(0))) << "the send in flight still holds its place";
  before.leave("p");
  EXPECT_TRUE(same.enter("p", milliseconds(0)));
  same.leave("p");

  ProviderGuards wider(withCap(2), nullptr, &same);
  EXPECT_EQ(wider.maxConcurrency("p"), 2);
  EXPECT_TRUE(wider.enter("p", milliseconds(0)));
  EXPECT_TRUE(wider.enter("p", milliseconds(0)));
  EXPECT_TRUE(wider.enter("unknown", milliseconds(0))) << "no guards, no cap";
}

class ProviderConcurrencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store_.migrate().ok());
    std::filesystem::path file = dir_.write("notifyd.toml", R"(
[dispatch]
workers = 8
[plugins]
dir = ")" + (test::buildDir() / "test_plugins").string() + R"("
[providers.capped]
plugin = "fixture_slow"
delay_ms = 40
max_concurrency = 2
[providers.free]
plugin = "fixture_slow"
delay_ms = 40
[channels.capped]
providers = ["capped"]
[channels.free]
providers = ["free"]
)");
    std::shared_ptr<const Runtime> runtime = test::runtimeOf(file, http_);
    holder_ = std::make_unique<RuntimeHolder>(runtime);
    committer_ = std::make_unique<GroupCommitter>(store_, 1000, [this] { dispatcher_->wake(); });
    dispatcher_ =
        std::make_unique<Dispatcher>(runtime->config->lanes.at("default"), store_, *committer_,
                                     *holder_, "node-a", [] { return nowUnixMs(); });
    committer_->start();
    dispatcher_->start();
  }

  void TearDown() override {
    dispatcher_->stop();
    committer_->stop();
  }

  std::vector<std::string> sendTo(const std::string& channel, int count) {
    std::vector<NewMessage> messages;
    for (int i = 0; i < count; ++i) {
      NewMessage m;
      m.id = newMessageId();
      m.app = "demo";
      m.templateName = "welcome";
      m.channel = channel;
      m.toJson = R"({"user":"u1"})";
      m.varsJson = "{}";
      m.attrsJson = "{}";
      m.body = "hello";
      m.tagsJson = "[]";
      m.createdMs = nowUnixMs();
      messages.push_back(std::move(m));
    }
    std::vector<std::string> ids;
    for (const NewMessage& m : messages) {
      ids.push_back(m.id);
    }
    std::promise<bool> answered;
    EXPECT_TRUE(committer_->submitInserts(std::move(messages),
                                          [&](auto result) { answered.set_value(result.ok()); }));
    EXPECT_TRUE(answered.get_future().get());
    dispatcher_->wake();
    return ids;
  }

  // The most sends in flight that any delivery of ids reported, once all are delivered.
  int peakOf(const std::vector<std::string>& ids) {
    int peak = 0;
    for (const std::string& id : ids) {
      std::optional<MessageRecord> record;
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      while (std::chrono::steady_clock::now() < deadline) {
        auto found = store_.find(id);
        record = found.ok() ? *found : std::nullopt;
        if (record && record->state == MessageState::kDelivered) {
          break;
        }
        std::this_thread::sleep_for(milliseconds(10));
      }
      EXPECT_TRUE(record && record->state == MessageState::kDelivered) << id;
      if (record && !record->events.empty()) {
        const std::string& detail = record->events.back().detail;
        EXPECT_EQ(detail.rfind("peak=", 0), 0u) << detail;
        peak = std::max(peak, std::atoi(detail.c_str() + 5));
      }
    }
    return peak;
  }

  test::TempDir dir_;
  SqliteStore store_{dir_.path() / "notify.db", true};
  std::shared_ptr<HttpEngine> http_ = std::make_shared<HttpEngine>();
  std::unique_ptr<RuntimeHolder> holder_;
  std::unique_ptr<GroupCommitter> committer_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

TEST_F(ProviderConcurrencyTest, EightWorkersKeepACappedProviderAtTwoSendsInFlight) {
  std::vector<std::string> free = sendTo("free", 16);
  EXPECT_GE(peakOf(free), 3) << "without a cap the workers overlap (else this test shows nothing)";

  std::vector<std::string> capped = sendTo("capped", 16);
  int peak = peakOf(capped);
  EXPECT_GE(peak, 1);
  EXPECT_LE(peak, 2);
}

}  // namespace
}  // namespace notify::core
