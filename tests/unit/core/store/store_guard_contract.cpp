// SPDX-License-Identifier: Apache-2.0
// The store's part of routing, scheduling and guardrails: routed chains and send_at reach the
// claim, and every guard decision (idempotency, duplicates, caps, quotas, suppression) is taken
// inside the write, so concurrent identical requests cannot both pass.
#include <thread>

#include "unit/core/store/store_contract.hpp"

namespace notify::test {
namespace {

using core::GuardCheck;
using core::InsertOutcome;
using core::MessageState;
using core::NewMessage;

GuardCheck check(GuardCheck::Kind kind, std::string key, int64_t sinceMs, int64_t limit = 1) {
  GuardCheck g;
  g.kind = kind;
  g.key = std::move(key);
  g.sinceMs = sinceMs;
  g.limit = limit;
  g.reason = "rule of " + g.key;
  g.errorCode = kind == GuardCheck::Kind::kRefuse ? "quota_exceeded" : "";
  return g;
}

}  // namespace

TEST_P(StoreContract, RoutedProviderChainReachesTheClaim) {
  NewMessage routed = message(kT0);
  routed.providers = {"tencent", "aliyun"};
  NewMessage plain = message(kT0);
  insert({routed, plain});
  auto claimed = claim(kT0);
  ASSERT_EQ(claimed.size(), 2u);
  for (const auto& c : claimed) {
    EXPECT_EQ(c.providers, c.id == routed.id ? routed.providers : std::vector<std::string>{});
  }
}

// A scheduled message's age (for its maximum age) counts from its send_at.
TEST_P(StoreContract, ClaimGivesAScheduledMessagesSendAt) {
  NewMessage scheduled = message(kT0, "", kT0 + 90000);
  NewMessage now = message(kT0);
  insert({scheduled, now});
  auto claimed = claim(kT0 + 90000);
  ASSERT_EQ(claimed.size(), 2u);
  for (const auto& m : claimed) {
    EXPECT_EQ(m.sendAtMs, m.id == scheduled.id ? kT0 + 90000 : 0) << m.id;
  }
}

TEST_P(StoreContract, RoutedAndSuppressedMessagesKeepTheirFirstEventsDetail) {
  NewMessage routed = message(kT0);
  routed.routeDetail = "route 'vip': channel 'email'";
  NewMessage disabled = message(kT0);
  disabled.suppressReason = "template 'welcome' is disabled";
  insert({routed, disabled});
  core::MessageRecord r = record(routed.id);
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[1].state, MessageState::kQueued);
  EXPECT_EQ(r.events[1].actor, "app:demo");
  EXPECT_EQ(r.events[1].detail, routed.routeDetail);
  core::MessageRecord d = record(disabled.id);
  EXPECT_EQ(d.events.back().state, MessageState::kSuppressed);
  EXPECT_EQ(d.events.back().actor, "guard");
}

TEST_P(StoreContract, SuppressedMessageIsKeptWithItsReasonAndNeverClaimed) {
  NewMessage m = message(kT0);
  m.suppressReason = "template 'welcome' is disabled";
  auto out = insert({m});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].state, MessageState::kSuppressed);
  EXPECT_TRUE(claim(kT0 + 1000).empty());
  core::MessageRecord r = record(m.id);
  EXPECT_EQ(r.state, MessageState::kSuppressed);
  EXPECT_EQ(r.events.back().detail, m.suppressReason);
}

TEST_P(StoreContract, IdempotencyKeyWithAnotherPayloadIsAConflict) {
  NewMessage first = message(kT0, "k1");
  first.payloadHash = "aaa";
  NewMessage same = message(kT0 + 1, "k1");
  same.payloadHash = "aaa";
  NewMessage other = message(kT0 + 2, "k1");
  other.payloadHash = "bbb";
  auto out = insert({first, same, other});
  EXPECT_EQ(out[0].result, InsertOutcome::Result::kStored);
  EXPECT_EQ(out[1].result, InsertOutcome::Result::kIdempotentRepeat);
  EXPECT_EQ(out[1].duplicateOf, first.id);
  EXPECT_EQ(out[2].result, InsertOutcome::Result::kConflict);
  EXPECT_FALSE(store_->find(other.id)->has_value());
}

TEST_P(StoreContract, IdempotencyKeyIsFreeAgainAfterRetention) {
  NewMessage first = message(kT0, "k1");
  insert({first});
  NewMessage later = message(kT0 + 90000, "k1");
  later.idempotencySinceMs = kT0 + 1;  // the first one is older than the retention
  auto out = insert({later});
  EXPECT_EQ(out[0].result, InsertOutcome::Result::kStored);
  EXPECT_TRUE(out[0].inserted);
}

TEST_P(StoreContract, SameContentWithinTheWindowIsStoredAsDuplicate) {
  NewMessage first = message(kT0);
  first.guards = {check(GuardCheck::Kind::kDuplicate, "dedup:x", kT0 - 60000)};
  NewMessage again = message(kT0 + 1000);
  again.guards = {check(GuardCheck::Kind::kDuplicate, "dedup:x", kT0 + 1000 - 60000)};
  NewMessage afterWindow = message(kT0 + 61000);
  afterWindow.guards = {check(GuardCheck::Kind::kDuplicate, "dedup:x", kT0 + 1001)};
  auto out = insert({first, again, afterWindow});
  EXPECT_EQ(out[0].state, MessageState::kQueued);
  EXPECT_EQ(out[1].state, MessageState::kDuplicate);
  EXPECT_EQ(out[1].duplicateOf, first.id);
  EXPECT_EQ(out[2].state, MessageState::kQueued);
  EXPECT_EQ(record(again.id).state, MessageState::kDuplicate);
  EXPECT_EQ(claim(kT0 + 62000).size(), 2u);
}

TEST_P(StoreContract, FrequencyCapSuppressesBeyondTheLimit) {
  std::vector<NewMessage> batch;
  for (int i = 0; i < 4; ++i) {
    NewMessage m = message(kT0 + i);
    m.guards = {check(GuardCheck::Kind::kSuppress, "cap:ann", kT0 - 86400000, 3)};
    batch.push_back(m);
  }
  auto out = insert(batch);
  EXPECT_EQ(out[2].state, MessageState::kQueued);
  EXPECT_EQ(out[3].state, MessageState::kSuppressed);
  EXPECT_EQ(out[3].reason, "rule of cap:ann");
  EXPECT_EQ(record(batch[3].id).events.back().detail, "rule of cap:ann");
}

TEST_P(StoreContract, RefusingCheckStoresNothing) {
  NewMessage a = message(kT0);
  a.guards = {check(GuardCheck::Kind::kRefuse, "quota:demo", kT0 - 1, 1)};
  NewMessage b = message(kT0 + 1);
  b.guards = a.guards;
  auto out = insert({a, b});
  EXPECT_EQ(out[0].result, InsertOutcome::Result::kStored);
  EXPECT_EQ(out[1].result, InsertOutcome::Result::kRefused);
  EXPECT_EQ(out[1].errorCode, "quota_exceeded");
  EXPECT_FALSE(store_->find(b.id)->has_value());
}

// What the quota_nearly_used alert reads: the marks a quota check left, counted from a time on.
TEST_P(StoreContract, GuardMarksAreCountedByKeyFromATime) {
  std::vector<NewMessage> batch;
  for (int i = 0; i < 3; ++i) {
    NewMessage m = message(kT0 + i * 1000);
    m.guards = {check(GuardCheck::Kind::kRefuse, "quota:demo", kT0 - 1, 10)};
    batch.push_back(m);
  }
  insert(batch);
  auto all = store_->countGuardMarks("quota:demo", kT0);
  ASSERT_TRUE(all.ok()) << all.error().message;
  EXPECT_EQ(*all, 3);
  EXPECT_EQ(*store_->countGuardMarks("quota:demo", kT0 + 1000), 2);
  EXPECT_EQ(*store_->countGuardMarks("quota:other", kT0), 0);
}

// Two writers with the same content at the same time: exactly one is queued.
TEST_P(StoreContract, ConcurrentIdenticalWritesQueueExactlyOne) {
  for (int round = 0; round < 20; ++round) {
    std::string key = "dedup:round" + std::to_string(round);
    std::vector<std::vector<InsertOutcome>> outcomes(2);
    std::vector<std::thread> writers;
    for (int w = 0; w < 2; ++w) {
      writers.emplace_back([&, w] {
        core::WriteBatch batch;
        NewMessage m = message(kT0);
        m.guards = {check(GuardCheck::Kind::kDuplicate, key, kT0 - 60000)};
        batch.inserts.push_back(m);
        auto result = store_->write(batch);
        if (result.ok()) {
          outcomes[w] = result.value();
        }
      });
    }
    for (auto& t : writers) {
      t.join();
    }
    ASSERT_EQ(outcomes[0].size(), 1u);
    ASSERT_EQ(outcomes[1].size(), 1u);
    int queued = (outcomes[0][0].state == MessageState::kQueued) +
                 (outcomes[1][0].state == MessageState::kQueued);
    EXPECT_EQ(queued, 1) << "round " << round;
  }
}

}  // namespace notify::test
