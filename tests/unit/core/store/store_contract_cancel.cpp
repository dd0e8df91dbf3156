// SPDX-License-Identifier: Apache-2.0
// The store contract for cancel and recall by tag (MessageStore::cancel, cancelScheduledByTag).
#include <atomic>
#include <set>
#include <thread>

#include "core/common/ids.hpp"
#include "unit/core/store/store_contract.hpp"

namespace notify::test {
namespace {

using core::CancelOutcome;
using core::CancelQuery;
using core::MessageState;
using core::NewMessage;

constexpr int64_t kT0 = 1800000000000;

CancelOutcome cancelId(core::MessageStore& store, const std::string& id,
                       const std::string& app = "demo") {
  auto result = store.cancel(CancelQuery{app, id, "", kT0 + 10, "app:" + app});
  EXPECT_TRUE(result.ok()) << result.error().message;
  return result.ok() ? *result : CancelOutcome{};
}

size_t recall(core::MessageStore& store, const std::string& tag) {
  auto result = store.cancelScheduledByTag("demo", tag, kT0 + 10, "app:demo");
  EXPECT_TRUE(result.ok()) << result.error().message;
  return result.ok() ? *result : 0;
}

}  // namespace

TEST_P(StoreContract, CancelScheduledMessageIsCanceledWithAnEventAndNeverClaimed) {
  NewMessage m = message(kT0, "", kT0 + 60000);
  insert({m});
  CancelOutcome outcome = cancelId(*store_, m.id);
  EXPECT_TRUE(outcome.found);
  EXPECT_TRUE(outcome.canceled);
  EXPECT_EQ(outcome.messageId, m.id);
  EXPECT_EQ(outcome.state, MessageState::kCanceled);

  core::MessageRecord r = record(m.id);
  EXPECT_EQ(r.state, MessageState::kCanceled);
  ASSERT_EQ(r.events.size(), 3u);
  EXPECT_EQ(r.events.back().state, MessageState::kCanceled);
  EXPECT_EQ(r.events.back().actor, "app:demo");
  EXPECT_EQ(r.events.back().atMs, kT0 + 10);
  EXPECT_EQ(nextReady(), std::nullopt);
  EXPECT_TRUE(claim(kT0 + 120000).empty());
}

TEST_P(StoreContract, CancelByIdempotencyKeyOfTheSameApp) {
  NewMessage m = message(kT0, "order-7");
  insert({m});
  auto other = store_->cancel(CancelQuery{"shop", "", "order-7", kT0 + 5, "app:shop"});
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->found);
  auto result = store_->cancel(CancelQuery{"demo", "", "order-7", kT0 + 5, "app:demo"});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(result->canceled);
  EXPECT_EQ(result->messageId, m.id);
  EXPECT_EQ(record(m.id).state, MessageState::kCanceled);
}

TEST_P(StoreContract, CancelAnotherAppsMessageIsNotFoundAndKeepsItsState) {
  NewMessage m = message(kT0, "", kT0 + 60000);
  insert({m});
  CancelOutcome outcome = cancelId(*store_, m.id, "shop");
  EXPECT_FALSE(outcome.found);
  EXPECT_FALSE(outcome.canceled);
  EXPECT_EQ(record(m.id).state, MessageState::kScheduled);
  EXPECT_FALSE(cancelId(*store_, core::newMessageId()).found);
}

TEST_P(StoreContract, CancelTooLateOnceClaimedOrFinished) {
  NewMessage m = message(kT0);
  insert({m});
  auto claimed = claim(kT0 + 1);
  ASSERT_EQ(claimed.size(), 1u);
  CancelOutcome whileSending = cancelId(*store_, m.id);
  EXPECT_TRUE(whileSending.found);
  EXPECT_FALSE(whileSending.canceled);
  EXPECT_EQ(whileSending.state, MessageState::kSending);

  apply(verdict(claimed[0], MessageState::kDelivered, kT0 + 2));
  CancelOutcome afterDelivery = cancelId(*store_, m.id);
  EXPECT_FALSE(afterDelivery.canceled);
  EXPECT_EQ(afterDelivery.state, MessageState::kDelivered);
  core::MessageRecord r = record(m.id);
  EXPECT_EQ(r.state, MessageState::kDelivered);
  EXPECT_EQ(r.events.back().state, MessageState::kDelivered);
}

TEST_P(StoreContract, CancelARetryingMessageCanStillBeCanceled) {
  NewMessage m = message(kT0);
  insert({m});
  auto claimed = claim(kT0 + 1);
  ASSERT_EQ(claimed.size(), 1u);
  apply(verdict(claimed[0], MessageState::kRetrying, kT0 + 2, kT0 + 5000));
  CancelOutcome outcome = cancelId(*store_, m.id);
  EXPECT_TRUE(outcome.canceled);
  EXPECT_TRUE(claim(kT0 + 10000).empty());
  // The verdict of the old attempt cannot resurrect it either.
  apply(verdict(claimed[0], MessageState::kDelivered, kT0 + 3));
  EXPECT_EQ(record(m.id).state, MessageState::kCanceled);
}

TEST_P(StoreContract, CancelRecallByTagCancelsOnlyTheAppsScheduledMessagesWithThatTag) {
  auto tagged = [&](int64_t sendAtMs, const std::string& tagsJson) {
    NewMessage m = message(kT0, "", sendAtMs);
    m.tagsJson = tagsJson;
    return m;
  };
  NewMessage a = tagged(kT0 + 60000, R"(["spring-sale","vip"])");
  NewMessage b = tagged(kT0 + 60000, R"(["spring-sale"])");
  NewMessage untagged = tagged(kT0 + 60000, R"(["other"])");
  NewMessage now = tagged(0, R"(["spring-sale"])");  // queued, not scheduled
  NewMessage foreign = message(kT0, "", kT0 + 60000, "shop");
  foreign.tagsJson = R"(["spring-sale"])";
  insert({a, b, untagged, now, foreign});

  EXPECT_EQ(recall(*store_, "spring-sale"), 2u);
  EXPECT_EQ(record(a.id).state, MessageState::kCanceled);
  EXPECT_EQ(record(b.id).state, MessageState::kCanceled);
  EXPECT_EQ(record(a.id).events.back().actor, "app:demo");
  EXPECT_EQ(record(untagged.id).state, MessageState::kScheduled);
  EXPECT_EQ(record(untagged.id).events.size(), 2u);  // no stray "canceled" event
  EXPECT_EQ(record(now.id).events.size(), 2u);
  EXPECT_EQ(record(now.id).state, MessageState::kQueued);
  EXPECT_EQ(record(foreign.id).state, MessageState::kScheduled);
  EXPECT_EQ(recall(*store_, "spring-sale"), 0u);
  EXPECT_EQ(recall(*store_, "no-such-tag"), 0u);
}

// A claimer and a canceler race over the same messages: each message ends up claimed or
// canceled, never both and never neither.
TEST_P(StoreContract, CancelAndClaimAreExclusive) {
  std::vector<NewMessage> messages;
  for (int i = 0; i < 400; ++i) {
    messages.push_back(message(kT0));
  }
  insert(messages);
  std::set<std::string> claimedIds;
  std::set<std::string> canceledIds;
  std::atomic<bool> cancelerDone{false};
  std::thread claimer([&] {
    while (!cancelerDone.load()) {
      auto result = store_->claim({kT0 + 1, 7, 60000, "w", ""});
      if (result.ok()) {
        for (const auto& c : *result) {
          claimedIds.insert(c.id);
        }
      }
    }
  });
  for (const auto& m : messages) {
    auto result = store_->cancel(CancelQuery{"demo", m.id, "", kT0 + 1, "app:demo"});
    EXPECT_TRUE(result.ok());
    if (!result.ok()) {
      continue;
    }
    if (result->canceled) {
      canceledIds.insert(m.id);
    } else {
      EXPECT_EQ(result->state, MessageState::kSending);
    }
  }
  cancelerDone = true;
  claimer.join();
  for (const auto& c : claim(kT0 + 1, 1000, 60000)) {
    claimedIds.insert(c.id);
  }
  for (const auto& m : messages) {
    bool claimed = claimedIds.count(m.id) > 0;
    bool canceled = canceledIds.count(m.id) > 0;
    EXPECT_NE(claimed, canceled) << m.id;
    EXPECT_EQ(record(m.id).state, canceled ? MessageState::kCanceled : MessageState::kSending);
  }
}

}  // namespace notify::test
