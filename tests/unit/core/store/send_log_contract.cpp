// SPDX-License-Identifier: Apache-2.0
// The observability part of the store contract: send-log queries, statistics, gauges, alert
// history and delivery receipts. Runs against every store registered with StoreContract.
#include <gtest/gtest.h>

#include "unit/core/store/store_contract.hpp"

namespace notify::test {
namespace {

using core::MessageQuery;
using core::MessageState;

std::vector<std::string> idsOf(const std::vector<core::MessageRecord>& records) {
  std::vector<std::string> ids;
  for (const auto& r : records) {
    ids.push_back(r.id);
  }
  return ids;
}

}  // namespace

TEST_P(StoreContract, SendLogFindsByNormalizedRecipientNewestFirstWithAttribution) {
  core::NewMessage first = message(kT0);
  first.toJson = R"({"phone":"+86 138-0000-0000"})";
  first.owner = "growth-team";
  first.businessLine = "retail";
  core::NewMessage other = message(kT0 + 1);
  other.toJson = R"({"phone":"+8613900000000"})";
  core::NewMessage second = message(kT0 + 2);
  second.toJson = R"({"phone":"+8613800000000","email":"Ann@Example.com"})";
  insert({first, other, second});

  auto byPhone = store_->findMessages({.recipient = "+8613800000000"});
  ASSERT_TRUE(byPhone.ok()) << byPhone.error().message;
  EXPECT_EQ(idsOf(*byPhone), (std::vector<std::string>{second.id, first.id}));
  EXPECT_EQ(byPhone->back().owner, "growth-team");
  EXPECT_EQ(byPhone->back().businessLine, "retail");
  EXPECT_EQ(byPhone->back().toJson, first.toJson);
  EXPECT_EQ(byPhone->back().reqId, "\"r-1\"");
  ASSERT_EQ(byPhone->back().events.size(), 2u);  // accepted, queued

  auto byEmail = store_->findMessages({.recipient = "ann@example.com"});
  ASSERT_TRUE(byEmail.ok());
  EXPECT_EQ(idsOf(*byEmail), (std::vector<std::string>{second.id}));
}

TEST_P(StoreContract, SendLogFiltersByFieldsStatusAndTime) {
  core::NewMessage a = message(kT0, "", 0, "shop");
  core::NewMessage b = message(kT0 + 1000, "", 0, "shop");
  b.templateName = "receipt";
  core::NewMessage c = message(kT0 + 2000, "", 0, "crm");
  insert({a, b, c});
  auto claimed = claim(kT0 + 3000);
  for (const auto& m : claimed) {
    if (m.id == a.id) {
      apply(verdict(m, MessageState::kFailed, kT0 + 3001));
    }
  }

  auto ids = [&](MessageQuery q) {
    auto r = store_->findMessages(q);
    EXPECT_TRUE(r.ok());
    return r.ok() ? idsOf(*r) : std::vector<std::string>{};
  };
  EXPECT_EQ(ids({.app = "shop"}), (std::vector<std::string>{b.id, a.id}));
  EXPECT_EQ(ids({.templateName = "receipt"}), (std::vector<std::string>{b.id}));
  EXPECT_EQ(ids({.provider = "outbox"}), (std::vector<std::string>{a.id}));
  EXPECT_EQ(ids({.state = MessageState::kFailed}), (std::vector<std::string>{a.id}));
  EXPECT_EQ(ids({.sinceMs = kT0 + 500, .untilMs = kT0 + 1500}), (std::vector<std::string>{b.id}));
  EXPECT_EQ(ids({.id = c.id}), (std::vector<std::string>{c.id}));
  EXPECT_EQ(ids({.app = "crm", .limit = 1}).size(), 1u);
}

TEST_P(StoreContract, SendStatsCountOutcomesPerAppAndChannel) {
  core::NewMessage ok = message(kT0, "", 0, "shop");
  core::NewMessage bad = message(kT0, "", 0, "shop");
  core::NewMessage waiting = message(kT0, "", 0, "shop");
  insert({ok, bad, waiting});
  for (const auto& m : claim(kT0 + 10)) {
    if (m.id == ok.id) {
      apply(verdict(m, MessageState::kDelivered, kT0 + 11));
    } else if (m.id == bad.id) {
      apply(verdict(m, MessageState::kFailed, kT0 + 11));
    } else {
      auto t = verdict(m, MessageState::kRateLimited, kT0 + 11, kT0 + 5000);
      t.refundAttempt = true;
      apply(t);
    }
  }
  auto stats = store_->sendStats(kT0 - 1, kT0 + 1);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  ASSERT_EQ(stats->size(), 1u);
  const core::SendStats& s = stats->front();
  EXPECT_EQ(s.app, "shop");
  EXPECT_EQ(s.channel, "email");
  EXPECT_EQ(s.provider, "outbox");
  EXPECT_EQ(s.total, 3);
  EXPECT_EQ(s.delivered, 1);
  EXPECT_EQ(s.failed, 1);
  EXPECT_EQ(s.pending, 1);
  EXPECT_EQ(s.rateLimited, 1);
  auto outside = store_->sendStats(kT0 + 1, kT0 + 100);
  ASSERT_TRUE(outside.ok());
  EXPECT_TRUE(outside->empty());
}

TEST_P(StoreContract, GaugesCountWaitingMessagesPerLaneAndDeadLetters) {
  core::NewMessage old = message(kT0);
  core::NewMessage young = message(kT0 + 500);
  core::NewMessage later = message(kT0, "", kT0 + 60000);  // scheduled: not waiting yet
  core::NewMessage dead = message(kT0 + 1);
  dead.lane = "bulk";
  insert({old, young, later, dead});
  for (const auto& m : claim(kT0 + 600)) {
    if (m.id == dead.id) {
      apply(verdict(m, MessageState::kFailed, kT0 + 601));
    }
  }
  auto gauges = store_->gauges(kT0 + 1000);
  ASSERT_TRUE(gauges.ok()) << gauges.error().message;
  EXPECT_EQ(gauges->deadLetters, 1);
  ASSERT_EQ(gauges->lanes.size(), 1u);
  EXPECT_EQ(gauges->lanes[0].lane, "default");
  EXPECT_EQ(gauges->lanes[0].depth, 2);  // old and young (sending under a lease)
  EXPECT_EQ(gauges->lanes[0].oldestCreatedMs, kT0);
}

TEST_P(StoreContract, AlertHistoryIsNewestFirst) {
  ASSERT_TRUE(store_->recordAlert({kT0, "sms_failures", true, 42.5, "42.5% failed"}).ok());
  ASSERT_TRUE(store_->recordAlert({kT0 + 10, "sms_failures", false, 1.0, "resolved"}).ok());
  auto history = store_->alertHistory(kT0 - 1, 10);
  ASSERT_TRUE(history.ok()) << history.error().message;
  ASSERT_EQ(history->size(), 2u);
  EXPECT_FALSE((*history)[0].firing);
  EXPECT_TRUE((*history)[1].firing);
  EXPECT_DOUBLE_EQ((*history)[1].value, 42.5);
  EXPECT_EQ((*history)[1].detail, "42.5% failed");
}

TEST_P(StoreContract, ReceiptMovesAProviderAcceptedMessageOnce) {
  core::NewMessage m = message(kT0);
  insert({m});
  auto claimed = claim(kT0 + 1);
  ASSERT_EQ(claimed.size(), 1u);
  apply(verdict(claimed[0], MessageState::kProviderAccepted, kT0 + 2));  // provider outbox, pm-1
  core::MessageEvent report{kT0 + 100, MessageState::kDelivered, "provider:outbox", "outbox",
                            "DELIVRD", "user received"};
  auto applied = store_->applyReceipt("outbox", "pm-1", MessageState::kDelivered, report);
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_TRUE(applied->matched);
  EXPECT_TRUE(applied->moved);
  EXPECT_EQ(applied->app, m.app);
  EXPECT_EQ(applied->templateName, m.templateName);
  EXPECT_EQ(applied->channel, m.channel);
  auto again = store_->applyReceipt("outbox", "pm-1", MessageState::kFailed, report);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->matched);
  EXPECT_FALSE(again->moved);
  core::MessageRecord r = record(m.id);
  EXPECT_EQ(r.state, MessageState::kDelivered);
  EXPECT_EQ(r.events.back().code, "DELIVRD");
  EXPECT_EQ(r.events.back().state, MessageState::kDelivered);
  auto unknown = store_->applyReceipt("outbox", "nope", MessageState::kDelivered, report);
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->matched);
}

TEST_P(StoreContract, PruneClearsOldBodiesThenDeletesOldFinalMessagesInBatches) {
  core::NewMessage old1 = message(kT0);
  core::NewMessage old2 = message(kT0 + 1);
  core::NewMessage waiting = message(kT0 + 2);  // never finished: never pruned
  core::NewMessage young = message(kT0 + 100000);
  insert({old1, old2, waiting, young});
  for (const auto& m : claim(kT0 + 200000)) {
    if (m.id != waiting.id) {
      apply(verdict(m, MessageState::kDelivered, kT0 + 200001));
    }
  }
  auto cleared = store_->prune({.bodiesBeforeMs = kT0 + 50000, .limit = 1});
  ASSERT_TRUE(cleared.ok()) << cleared.error().message;
  EXPECT_EQ(*cleared, 1u);
  EXPECT_EQ(*store_->prune({.bodiesBeforeMs = kT0 + 50000, .limit = 10}), 1u);
  EXPECT_EQ(*store_->prune({.bodiesBeforeMs = kT0 + 50000, .limit = 10}), 0u);
  auto kept = store_->findMessages({.id = young.id});
  ASSERT_TRUE(kept.ok());
  ASSERT_EQ(kept->size(), 1u);

  EXPECT_EQ(*store_->prune({.recordsBeforeMs = kT0 + 50000, .limit = 1}), 1u);
  EXPECT_EQ(*store_->prune({.recordsBeforeMs = kT0 + 50000, .limit = 10}), 1u);
  EXPECT_EQ(*store_->prune({.recordsBeforeMs = kT0 + 50000, .limit = 10}), 0u);
  auto gone = store_->find(old1.id);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  EXPECT_TRUE(store_->findMessages({.recipient = "ann@example.com"})->size() == 2u);
  EXPECT_EQ(record(waiting.id).state, MessageState::kSending);
  EXPECT_EQ(record(young.id).events.size(), 4u);  // accepted, queued, sending, delivered
}

}  // namespace notify::test
