// SPDX-License-Identifier: Apache-2.0
// The lane's side of the hand-off: room is granted only while the lane is caught up, a refusal
// holds later messages back until a claim comes back short, and adopted messages are sent.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "core/common/ids.hpp"
#include "core/common/time.hpp"
#include "core/daemon/runtime.hpp"
#include "core/dispatch/dispatcher.hpp"
#include "core/dispatch/lane_hand_off.hpp"
#include "core/http/http_engine.hpp"
#include "core/store/sqlite_store.hpp"
#include "support/test_env.hpp"
#include "unit/core/runtime_of.hpp"

namespace notify::core {
namespace {

class DispatcherHandOffTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store_.migrate().ok());
    // One worker and one send in flight: the lane holds at most 2 x 1 + 1 = 3 messages.
    std::filesystem::path file = dir_.write("notifyd.toml", R"(
[dispatch]
workers = 1
max_in_flight = 1
lease_ms = 45000
[plugins]
dir = ")" + (test::buildDir() / "test_plugins").string() + R"("
[providers.p1]
plugin = "fixture_ok"
target = "x"
[channels.im]
providers = ["p1"]
)");
    std::shared_ptr<const Runtime> runtime = test::runtimeOf(file, http_);
    holder_ = std::make_unique<RuntimeHolder>(runtime);
    committer_ = std::make_unique<GroupCommitter>(store_, 1000, [this] { dispatcher_->wake(); });
    dispatcher_ =
        std::make_unique<Dispatcher>(runtime->config->lanes.at("default"), store_, *committer_,
                                     *holder_, "node-a", [] { return nowUnixMs(); });
  }

  void TearDown() override {
    dispatcher_->stop();
    committer_->stop();
  }

  // Asks for room until it is granted (the claimer runs on its own thread), at most 5 s.
  size_t reserveWhenCaughtUp(size_t wanted, int64_t& leaseMs) {
    size_t granted = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (granted == 0 && std::chrono::steady_clock::now() < deadline) {
      leaseMs = dispatcher_->reserveHandOff(wanted, granted);
      if (granted == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
    return granted;
  }

  std::optional<MessageRecord> find(const std::string& id) {
    auto found = store_.find(id);
    return found.ok() ? *found : std::nullopt;
  }

  test::TempDir dir_;
  SqliteStore store_{dir_.path() / "notify.db", true};
  std::shared_ptr<HttpEngine> http_ = std::make_shared<HttpEngine>();
  std::unique_ptr<RuntimeHolder> holder_;
  std::unique_ptr<GroupCommitter> committer_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

TEST_F(DispatcherHandOffTest, RoomIsGrantedOnlyOnceAClaimFoundTheStoreEmpty) {
  size_t granted = 99;
  EXPECT_EQ(dispatcher_->reserveHandOff(1, granted), 0);
  EXPECT_EQ(granted, 0u) << "before its first claim the lane does not know what waits";

  dispatcher_->start();
  int64_t leaseMs = 0;
  EXPECT_EQ(reserveWhenCaughtUp(2, leaseMs), 2u);
  EXPECT_EQ(leaseMs, 45000);
  dispatcher_->releaseHandOff(2);
}

TEST_F(DispatcherHandOffTest, ARefusalHoldsNewerMessagesBackUntilAClaimComesBackShort) {
  dispatcher_->start();
  int64_t leaseMs = 0;
  ASSERT_EQ(reserveWhenCaughtUp(1, leaseMs), 1u);
  size_t granted = 0;
  dispatcher_->reserveHandOff(5, granted);
  EXPECT_EQ(granted, 2u) << "room for 3 in all, 1 already reserved";
  dispatcher_->releaseHandOff(3);

  // The three that found no room went to the store; while they wait, nothing skips it.
  dispatcher_->reserveHandOff(1, granted);
  EXPECT_EQ(granted, 0u);

  // The claimer takes what waits (woken by a commit) and, finding no more, opens the lane again.
  dispatcher_->wake();
  EXPECT_EQ(reserveWhenCaughtUp(1, leaseMs), 1u);
  dispatcher_->releaseHandOff(1);
}

TEST_F(DispatcherHandOffTest, AMessageHandedOverIsSentAndItsOutcomeRecorded) {
  LaneHandOff handOff("node-a", {{"default", dispatcher_.get()}});
  committer_->setHandOff(&handOff);
  committer_->start();
  dispatcher_->start();
  int64_t leaseMs = 0;
  ASSERT_EQ(reserveWhenCaughtUp(1, leaseMs), 1u);  // the lane has made its first claim
  dispatcher_->releaseHandOff(1);

  NewMessage m;
  m.id = newMessageId();
  m.app = "demo";
  m.templateName = "welcome";
  m.channel = "im";
  m.toJson = R"({"user":"u1"})";
  m.varsJson = "{}";
  m.attrsJson = "{}";
  m.body = "hello";
  m.tagsJson = "[]";
  m.createdMs = nowUnixMs();
  std::promise<Result<std::vector<InsertOutcome>>> answered;
  ASSERT_TRUE(
      committer_->submitInserts({m}, [&](auto result) { answered.set_value(std::move(result)); }));
  auto outcomes = answered.get_future().get();
  ASSERT_TRUE(outcomes.ok());
  EXPECT_TRUE(outcomes.value().at(0).claimed);

  std::optional<MessageRecord> record;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    record = find(m.id);
    if (record && record->state == MessageState::kDelivered) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->state, MessageState::kDelivered);
  EXPECT_EQ(record->attempts, 1u);
  std::vector<MessageState> states;
  for (const MessageEvent& e : record->events) {
    states.push_back(e.state);
  }
  EXPECT_EQ(states, (std::vector{MessageState::kAccepted, MessageState::kQueued,
                                 MessageState::kSending, MessageState::kDelivered}));
}

}  // namespace
}  // namespace notify::core
