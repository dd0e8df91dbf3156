// SPDX-License-Identifier: Apache-2.0
// Schema steps applied to databases that already hold messages: what an upgrade of a running
// cluster's database does to its rows.
#include <gtest/gtest.h>

#include "core/store/pg_connection.hpp"
#include "core/store/pg_migrations.hpp"
#include "core/store/pg_store.hpp"
#include "support/pg_server.hpp"

namespace notify::test {
namespace {

using core::MessageState;

constexpr int64_t kT0 = 1800000000000;

// A version 6 database (messages carrying their own ready_ms and lease) with one message in each
// state a queue has to know about, then upgraded by the store as a node starting would.
class PgMigrationFromV6 : public ::testing::Test {
 protected:
  void SetUp() override {
    database_ = PgServer::shared().createDatabase();
    core::PgConnection conn(PgServer::shared().conninfo(database_));
    core::migratePostgres(conn, 6);
    insertV6("m-queued", "queued", 0, kT0, kT0, "NULL", "", "", 0, "[]");
    insertV6("m-scheduled", "scheduled", 0, kT0, kT0 + 100000, "NULL", "", "", kT0 + 100000,
             R"(["campaign"])");
    insertV6("m-sending", "sending", 1, kT0 + 10, kT0 + 500, "'node-a'", "", "", 0, "[]");
    insertV6("m-retrying", "retrying", 1, kT0 + 20, kT0 + 200, "NULL", "sink", "", 0, "[]");
    insertV6("m-failed", "failed", 3, kT0 + 50, 0, "NULL", "sink", "", 0, "[]");
    insertV6("m-accepted", "provider_accepted", 1, kT0 + 30, 0, "NULL", "sink", "pm-9", 0, "[]");
    insertV6("m-delivered", "delivered", 1, kT0 + 40, 0, "NULL", "sink", "pm-8", 0, "[]");
    PgServer::shared().execute(
        "INSERT INTO events (message_id, at_ms, state, actor, provider, code, detail) VALUES "
        "('m-failed', " +
            std::to_string(kT0 + 50) +
            ", 'failed', 'plugin:webhook', 'sink', "
            "'E1', 'boom')",
        database_);
    store_ = std::make_unique<core::PgStore>(PgServer::shared().conninfo(database_), 2);
    auto migrated = store_->migrate();
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
  }

  void TearDown() override {
    store_.reset();
    PgServer::shared().dropDatabase(database_);
  }

  // readyMs 0 is NULL (not waiting); leaseOwner is SQL.
  void insertV6(const std::string& id, const std::string& state, int attempts, int64_t updatedMs,
                int64_t readyMs, const std::string& leaseOwner, const std::string& provider,
                const std::string& providerMessageId, int64_t sendAtMs, const std::string& tags) {
    std::string first = state == "scheduled" ? "scheduled" : "queued";
    PgServer::shared().execute(
        "INSERT INTO messages (id, app, template, channel, to_json, vars_json, attrs_json, "
        "subject, body, tags_json, req_id, state, first_state, provider, provider_message_id, "
        "attempts, created_ms, updated_ms, ready_ms, lease_owner, send_at_ms) VALUES ('" +
            id +
            "', 'demo', 'welcome', 'email', '{\"email\":\"a@example.com\"}', '{}', '{}', "
            "'', 'Hello', '" +
            tags + "', '', '" + state + "', '" + first + "', '" + provider + "', '" +
            providerMessageId + "', " + std::to_string(attempts) + ", " + std::to_string(kT0) +
            ", " + std::to_string(updatedMs) + ", " +
            (readyMs == 0 ? "NULL" : std::to_string(readyMs)) + ", " + leaseOwner + ", " +
            std::to_string(sendAtMs) + ")",
        database_);
  }

  core::MessageRecord record(const std::string& id) {
    auto found = store_->find(id);
    EXPECT_TRUE(found.ok() && found->has_value()) << id;
    return found.ok() && found->has_value() ? **found : core::MessageRecord{};
  }

  std::string database_;
  std::unique_ptr<core::PgStore> store_;
};

TEST_F(PgMigrationFromV6, MessagesKeepTheirStatesAttemptsAndLeases) {
  EXPECT_EQ(record("m-queued").state, MessageState::kQueued);
  EXPECT_EQ(record("m-scheduled").state, MessageState::kScheduled);
  core::MessageRecord sending = record("m-sending");
  EXPECT_EQ(sending.state, MessageState::kSending);
  EXPECT_EQ(sending.attempts, 1u);
  EXPECT_EQ(sending.updatedMs, kT0 + 10);
  EXPECT_EQ(record("m-retrying").state, MessageState::kRetrying);
  EXPECT_EQ(record("m-failed").state, MessageState::kFailed);
  EXPECT_EQ(record("m-delivered").providerMessageId, "pm-8");

  auto gauges = store_->gauges(kT0 + 1000);
  ASSERT_TRUE(gauges.ok()) << gauges.error().message;
  ASSERT_EQ(gauges->lanes.size(), 1u);
  EXPECT_EQ(gauges->lanes[0].depth, 3);  // queued, sending, retrying; scheduled is not due
  EXPECT_EQ(gauges->deadLetters, 1);
}

// Due messages are claimed in readiness order; the one whose lease ran out is a reclaim; the one
// scheduled for later waits; the finished ones are not in the queue at all.
TEST_F(PgMigrationFromV6, DueMessagesAndExpiredLeasesAreClaimed) {
  auto claimed = store_->claim({kT0 + 1000, 10, 1000, "node-b", ""});
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  ASSERT_EQ(claimed->size(), 3u);
  EXPECT_EQ((*claimed)[0].id, "m-queued");
  EXPECT_EQ((*claimed)[0].attempt, 1u);
  EXPECT_EQ((*claimed)[1].id, "m-retrying");
  EXPECT_EQ((*claimed)[1].attempt, 2u);
  EXPECT_EQ((*claimed)[1].claimedFrom, MessageState::kRetrying);
  EXPECT_EQ((*claimed)[2].id, "m-sending");
  EXPECT_EQ((*claimed)[2].attempt, 2u);
  EXPECT_EQ((*claimed)[2].claimedFrom, MessageState::kSending);
  EXPECT_NE(record("m-sending").events.back().detail.find("node-a"), std::string::npos);

  auto next = store_->nextReadyMs("");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, kT0 + 2000);  // the new leases; m-scheduled comes later
  auto late = store_->claim({kT0 + 100000, 10, 1000, "node-b", ""});
  ASSERT_TRUE(late.ok());
  ASSERT_EQ(late->size(), 4u);  // the three leased again (not answered), then the scheduled one
  EXPECT_EQ(late->back().id, "m-scheduled");
  EXPECT_EQ(late->back().sendAtMs, kT0 + 100000);
  EXPECT_EQ(late->back().claimedFrom, MessageState::kScheduled);
}

TEST_F(PgMigrationFromV6, DeadLettersReceiptsAndRecallsFindTheirMessages) {
  core::DeadLetterQuery query;
  query.app = "demo";
  auto letters = store_->deadLetters(query);
  ASSERT_TRUE(letters.ok()) << letters.error().message;
  ASSERT_EQ(letters->size(), 1u);
  EXPECT_EQ(letters->front().id, "m-failed");
  EXPECT_EQ(letters->front().failedMs, kT0 + 50);
  EXPECT_EQ(letters->front().code, "E1");
  EXPECT_EQ(letters->front().detail, "boom");

  core::MessageEvent report{kT0 + 60, MessageState::kDelivered, "provider:sink", "sink", "0", ""};
  auto receipt = store_->applyReceipt("sink", "pm-9", MessageState::kDelivered, report);
  ASSERT_TRUE(receipt.ok()) << receipt.error().message;
  EXPECT_TRUE(receipt->matched);
  EXPECT_TRUE(receipt->moved);
  EXPECT_EQ(record("m-accepted").state, MessageState::kDelivered);

  auto recalled = store_->cancelScheduledByTag("demo", "campaign", kT0 + 70, "app:demo");
  ASSERT_TRUE(recalled.ok()) << recalled.error().message;
  EXPECT_EQ(*recalled, 1u);
  EXPECT_EQ(record("m-scheduled").state, MessageState::kCanceled);

  auto replayed = store_->replay(query, kT0 + 80, "operator");
  ASSERT_TRUE(replayed.ok()) << replayed.error().message;
  EXPECT_EQ(*replayed, 1u);
  auto claimed = store_->claim({kT0 + 100000, 10, 1000, "node-b", ""});
  ASSERT_TRUE(claimed.ok());
  bool replayedClaimed = false;
  for (const auto& c : *claimed) {
    if (c.id == "m-failed") {
      replayedClaimed = true;
      EXPECT_EQ(c.attempt, 1u);  // fresh attempts
    }
  }
  EXPECT_TRUE(replayedClaimed);
}

}  // namespace
}  // namespace notify::test
