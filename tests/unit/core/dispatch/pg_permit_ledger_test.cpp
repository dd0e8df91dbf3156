// SPDX-License-Identifier: Apache-2.0
#include "core/dispatch/pg_permit_ledger.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/common/time.hpp"
#include "core/store/pg_connection.hpp"
#include "core/store/pg_store.hpp"
#include "support/pg_server.hpp"

namespace notify::test {
namespace {

using core::PgPermitLedger;
using core::RateWindow;

// Hour-long windows: every grant in a test falls in one window however slow the machine is.
constexpr int64_t kHourMs = 3600000;
constexpr int64_t kNow = 1800000000000;

class PgPermitLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database_ = PgServer::shared().createDatabase();
    core::PgStore store(PgServer::shared().conninfo(database_), 1);
    ASSERT_TRUE(store.migrate().ok());
    pool_ = std::make_shared<core::PgPool>(PgServer::shared().conninfo(database_), 2);
  }
  void TearDown() override {
    pool_.reset();
    PgServer::shared().dropDatabase(database_);
  }

  // One ledger per node, all for the same provider.
  std::vector<std::unique_ptr<PgPermitLedger>> nodes(size_t count, int64_t limit) {
    std::vector<std::unique_ptr<PgPermitLedger>> out;
    for (size_t i = 0; i < count; ++i) {
      out.push_back(std::make_unique<PgPermitLedger>(pool_, "sms",
                                                     std::vector<RateWindow>{{limit, kHourMs}}));
    }
    return out;
  }

  // Asks every node in turn until all are refused; returns the permits granted.
  static int64_t drain(std::vector<std::unique_ptr<PgPermitLedger>>& nodes) {
    int64_t granted = 0;
    std::vector<bool> refused(nodes.size(), false);
    while (std::count(refused.begin(), refused.end(), false) > 0) {
      for (size_t i = 0; i < nodes.size(); ++i) {
        if (!refused[i]) {
          if (nodes[i]->tryAcquire(kNow) == 0) {
            ++granted;
          } else {
            refused[i] = true;
          }
        }
      }
    }
    return granted;
  }

  std::string database_;
  std::shared_ptr<core::PgPool> pool_;
};

TEST(PermitBatching, LowLimitsTakeOnePermitAtATime) {
  core::PermitBatching b = core::permitBatching({{20, 60000}});
  EXPECT_EQ(b.batch, 1);
  EXPECT_EQ(b.holdMs, 0);
}

TEST(PermitBatching, HighLimitsTakeSmallBatchesUsedSoon) {
  core::PermitBatching b = core::permitBatching({{3000, 1000}, {1000000, 86400000}});
  EXPECT_EQ(b.batch, 100);  // 3000 / 20 = 150, capped
  EXPECT_EQ(b.holdMs, 50);  // a twentieth of the tightest window
}

TEST_F(PgPermitLedgerTest, ThreeNodesTogetherGetTheLimitNotThreeTimesIt) {
  auto three = nodes(3, 5);
  EXPECT_EQ(drain(three), 5);
  int64_t retryAt = three[0]->tryAcquire(kNow);
  EXPECT_GT(retryAt, kNow);  // the time one frees up, about an hour on
}

TEST_F(PgPermitLedgerTest, BatchedGrantsNeverExceedTheLimit) {
  auto three = nodes(3, 2000);  // batches of 100
  EXPECT_EQ(drain(three), 2000);
  EXPECT_EQ(PgServer::shared().execute("SELECT sum(count) FROM rate_permits", database_), "2000");
}

TEST_F(PgPermitLedgerTest, ProvidersHaveSeparateLedgers) {
  auto sms = nodes(2, 3);
  auto mail =
      std::make_unique<PgPermitLedger>(pool_, "mail", std::vector<RateWindow>{{3, kHourMs}});
  EXPECT_EQ(drain(sms), 3);
  EXPECT_EQ(mail->tryAcquire(kNow), 0);
}

TEST_F(PgPermitLedgerTest, AProvidersPauseOnOneNodePausesEveryNode) {
  auto two = nodes(2, 1000);
  auto mail =
      std::make_unique<PgPermitLedger>(pool_, "mail", std::vector<RateWindow>{{1000, kHourMs}});
  two[0]->pauseUntil(core::nowUnixMs() + kHourMs);  // "429, retry after an hour" to node 0
  int64_t retryAt = two[1]->tryAcquire(kNow);
  EXPECT_GE(retryAt, kNow + kHourMs - 60000);  // node 1 waits for the pause too
  EXPECT_EQ(mail->tryAcquire(kNow), 0);        // another provider is not paused
  EXPECT_EQ(PgServer::shared().execute("SELECT count(*) FROM rate_permits WHERE provider = 'sms'",
                                       database_),
            "0");
}

TEST_F(PgPermitLedgerTest, AnUnreachableLedgerGrantsNothing) {
  auto gone = std::make_shared<core::PgPool>("host=127.0.0.1 port=1 dbname=none", 1);
  PgPermitLedger ledger(gone, "sms", {{5, kHourMs}});
  EXPECT_GT(ledger.tryAcquire(kNow), kNow);
}

}  // namespace
}  // namespace notify::test
