// SPDX-License-Identifier: Apache-2.0
// The lane's side of the hand-off: room is granted only while the lane is caught up, a refusal
// holds later messages back until a claim comes back short, and adopted messages are sent.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "core/dispatch/lane_hand_off.hpp"
#include "unit/core/dispatch/lane_under_test.hpp"

namespace notify::core {
namespace {

class DispatcherHandOffTest : public ::testing::Test {
 protected:
  // Asks for room until it is granted (the claimer runs on its own thread), at most 5 s.
  size_t reserveWhenCaughtUp(size_t wanted, int64_t& leaseMs) {
    size_t granted = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (granted == 0 && std::chrono::steady_clock::now() < deadline) {
      leaseMs = lane_.dispatcher->reserveHandOff(wanted, granted);
      if (granted == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
    return granted;
  }

  // One worker and one send in flight: the lane holds at most 2 x 1 + 1 = 3 messages.
  test::LaneUnderTest lane_{R"(
[dispatch]
workers = 1
max_in_flight = 1
lease_ms = 45000
[providers.p1]
plugin = "fixture_ok"
target = "x"
[channels.im]
providers = ["p1"]
)"};
};

TEST_F(DispatcherHandOffTest, RoomIsGrantedOnlyOnceAClaimFoundTheStoreEmpty) {
  size_t granted = 99;
  EXPECT_EQ(lane_.dispatcher->reserveHandOff(1, granted), 0);
  EXPECT_EQ(granted, 0u) << "before its first claim the lane does not know what waits";

  lane_.dispatcher->start();
  int64_t leaseMs = 0;
  EXPECT_EQ(reserveWhenCaughtUp(2, leaseMs), 2u);
  EXPECT_EQ(leaseMs, 45000);
  lane_.dispatcher->releaseHandOff(2);
}

TEST_F(DispatcherHandOffTest, ARefusalHoldsNewerMessagesBackUntilAClaimComesBackShort) {
  lane_.dispatcher->start();
  int64_t leaseMs = 0;
  ASSERT_EQ(reserveWhenCaughtUp(1, leaseMs), 1u);
  size_t granted = 0;
  lane_.dispatcher->reserveHandOff(5, granted);
  EXPECT_EQ(granted, 2u) << "room for 3 in all, 1 already reserved";
  lane_.dispatcher->releaseHandOff(3);

  // The three that found no room went to the store; while they wait, nothing skips it.
  lane_.dispatcher->reserveHandOff(1, granted);
  EXPECT_EQ(granted, 0u);

  // The claimer takes what waits (woken by a commit) and, finding no more, opens the lane again.
  lane_.dispatcher->wake();
  EXPECT_EQ(reserveWhenCaughtUp(1, leaseMs), 1u);
  lane_.dispatcher->releaseHandOff(1);
}

TEST_F(DispatcherHandOffTest, AMessageHandedOverIsSentAndItsOutcomeRecorded) {
  LaneHandOff handOff("node-a", {{"default", lane_.dispatcher.get()}});
  lane_.committer->setHandOff(&handOff);
  lane_.committer->start();
  lane_.dispatcher->start();
  int64_t leaseMs = 0;
  ASSERT_EQ(reserveWhenCaughtUp(1, leaseMs), 1u);  // the lane has made its first claim
  lane_.dispatcher->releaseHandOff(1);

  NewMessage m = test::LaneUnderTest::message("im");
  std::promise<Result<std::vector<InsertOutcome>>> answered;
  ASSERT_TRUE(
      lane_.committer->submitInserts({m}, [&](auto result) { answered.set_value(std::move(result)); }));
  auto outcomes = answered.get_future().get();
  ASSERT_TRUE(outcomes.ok());
  EXPECT_TRUE(outcomes.value().at(0).claimed);

  std::optional<MessageRecord> record =
      lane_.waitFor(m.id, MessageState::kDelivered, std::chrono::seconds(5));
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
