// SPDX-License-Identifier: Apache-2.0
// A provider's max_concurrency: the gate itself, and a lane of eight workers sending to a slow
// provider capped at two (fixture_slow reports the most sends it saw in flight at once).
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "core/dispatch/concurrency_gate.hpp"
#include "core/dispatch/provider_guards.hpp"
#include "unit/core/dispatch/lane_under_test.hpp"

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
    lane_.committer->start();
    lane_.dispatcher->start();
  }

  std::vector<std::string> sendTo(const std::string& channel, int count) {
    std::vector<NewMessage> messages;
    std::vector<std::string> ids;
    for (int i = 0; i < count; ++i) {
      messages.push_back(test::LaneUnderTest::message(channel));
      ids.push_back(messages.back().id);
    }
    std::promise<bool> answered;
    EXPECT_TRUE(lane_.committer->submitInserts(
        std::move(messages), [&](auto result) { answered.set_value(result.ok()); }));
    EXPECT_TRUE(answered.get_future().get());
    lane_.dispatcher->wake();
    return ids;
  }

  // The most sends in flight that any delivery of ids reported, once all are delivered.
  int peakOf(const std::vector<std::string>& ids) {
    int peak = 0;
    for (const std::string& id : ids) {
      std::optional<MessageRecord> record =
          lane_.waitFor(id, MessageState::kDelivered, std::chrono::seconds(20));
      EXPECT_TRUE(record && record->state == MessageState::kDelivered) << id;
      if (record && !record->events.empty()) {
        const std::string& detail = record->events.back().detail;
        EXPECT_EQ(detail.rfind("peak=", 0), 0u) << detail;
        peak = std::max(peak, std::atoi(detail.c_str() + 5));
      }
    }
    return peak;
  }

  test::LaneUnderTest lane_{R"(
[dispatch]
workers = 8
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
)"};
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
