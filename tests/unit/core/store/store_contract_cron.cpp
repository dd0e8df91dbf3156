// SPDX-License-Identifier: Apache-2.0
// The store contract for cron state (MessageStore::cronStore()): runs are unique per job and
// planned time, taken by one runner at a time, and steered by pause, resume and cancel.
#include "unit/core/store/store_contract.hpp"

namespace notify::test {
namespace {

using core::CronControl;
using core::CronRun;
using core::CronRunState;

constexpr int64_t kT0 = 1800000000000;
constexpr int64_t kLease = 60000;

CronRun pending(const std::string& job, int64_t plannedMs,
                const std::string& trigger = "schedule") {
  CronRun run;
  run.job = job;
  run.plannedMs = plannedMs;
  run.trigger = trigger;
  return run;
}

}  // namespace

TEST_P(StoreContract, CronRunIsAddedOncePerJobAndPlannedTime) {
  core::CronStore* cron = store_->cronStore();
  ASSERT_NE(cron, nullptr);
  EXPECT_TRUE(*cron->addCronRun(pending("bills", kT0)));
  EXPECT_FALSE(*cron->addCronRun(pending("bills", kT0)));  // another node, same fire time
  EXPECT_TRUE(*cron->addCronRun(pending("other", kT0)));
  EXPECT_TRUE(*cron->addCronRun(pending("bills", kT0 + 5, "manual")));
  EXPECT_EQ(*cron->lastPlannedMs("bills"), kT0);  // manual runs are not the schedule's
  EXPECT_EQ(*cron->lastPlannedMs("nobody"), std::nullopt);
  auto runs = cron->cronRuns("bills", 10);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ(runs->front().plannedMs, kT0 + 5);  // latest first
}

TEST_P(StoreContract, CronRunIsTakenByOneRunnerUntilItsLeaseExpires) {
  core::CronStore* cron = store_->cronStore();
  ASSERT_TRUE(cron->addCronRun(pending("bills", kT0)).ok());
  auto first = cron->takeCronRun({"bills"}, kT0 + 1, kLease, "node-a");
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->state, CronRunState::kRunning);
  EXPECT_EQ((*first)->startedMs, kT0 + 1);
  EXPECT_FALSE(cron->takeCronRun({"bills"}, kT0 + 2, kLease, "node-b")->has_value());
  EXPECT_FALSE(cron->takeCronRun({"other"}, kT0 + 2, kLease, "node-b")->has_value());

  CronRun progress = **first;
  progress.cursorOffset = 1234;
  progress.expanded = 500;
  progress.accepted = 498;
  progress.errors = 2;
  progress.errorDetail = "line 7: bad";
  EXPECT_EQ(*cron->saveCronProgress(progress, kT0 + 10, kLease), CronControl::kContinue);

  // node-a dies; after its lease node-b takes the run over and resumes at the cursor.
  auto takeover = cron->takeCronRun({"bills"}, kT0 + 10 + kLease + 1, kLease, "node-b");
  ASSERT_TRUE(takeover->has_value());
  EXPECT_EQ((*takeover)->cursorOffset, 1234);
  EXPECT_EQ((*takeover)->accepted, 498);
  EXPECT_EQ((*takeover)->startedMs, kT0 + 1);
  EXPECT_EQ(*cron->saveCronProgress(progress, kT0 + kLease + 20, kLease), CronControl::kLost);

  CronRun done = **takeover;
  done.expanded = 900;
  ASSERT_TRUE(cron->endCronRun(done, CronRunState::kDone, kT0 + kLease + 30).ok());
  auto runs = cron->cronRuns("bills", 1);
  EXPECT_EQ(runs->front().state, CronRunState::kDone);
  EXPECT_EQ(runs->front().finishedMs, kT0 + kLease + 30);
  EXPECT_EQ(runs->front().expanded, 900);
  EXPECT_EQ(runs->front().errorDetail, "line 7: bad");
  EXPECT_FALSE(cron->takeCronRun({"bills"}, kT0 + 10 * kLease, kLease, "node-c")->has_value());
}

TEST_P(StoreContract, CronPauseResumeAndCancelSteerRuns) {
  core::CronStore* cron = store_->cronStore();
  EXPECT_EQ(cron->cronJobState("bills", kT0)->sinceMs, kT0);
  EXPECT_EQ(cron->cronJobState("bills", kT0 + 99)->sinceMs, kT0);  // registered once
  ASSERT_TRUE(cron->addCronRun(pending("bills", kT0)).ok());
  auto running = cron->takeCronRun({"bills"}, kT0 + 1, kLease, "node-a");
  ASSERT_TRUE(running->has_value());
  ASSERT_TRUE(cron->addCronRun(pending("bills", kT0 + 1000)).ok());

  ASSERT_TRUE(cron->setCronPaused("bills", true, kT0 + 2).ok());
  EXPECT_TRUE(cron->cronJobState("bills", kT0 + 3)->paused);
  EXPECT_EQ(*cron->saveCronProgress(**running, kT0 + 3, kLease), CronControl::kPause);
  ASSERT_TRUE(cron->endCronRun(**running, CronRunState::kPaused, kT0 + 3).ok());
  EXPECT_FALSE(cron->takeCronRun({"bills"}, kT0 + 4, kLease, "node-a")->has_value());

  ASSERT_TRUE(cron->setCronPaused("bills", false, kT0 + 5000).ok());
  auto state = cron->cronJobState("bills", kT0 + 5001);
  EXPECT_FALSE(state->paused);
  EXPECT_EQ(state->sinceMs, kT0 + 5000);  // paused time is not owed
  auto resumed = cron->takeCronRun({"bills"}, kT0 + 5001, kLease, "node-a");
  ASSERT_TRUE(resumed->has_value());
  EXPECT_EQ((*resumed)->plannedMs, kT0);  // oldest first

  EXPECT_EQ(*cron->cancelCronRuns("bills", kT0 + 6000), 2u);  // one pending, one told to stop
  EXPECT_EQ(*cron->saveCronProgress(**resumed, kT0 + 6001, kLease), CronControl::kCancel);
  auto runs = cron->cronRuns("bills", 10);
  EXPECT_EQ(runs->front().state, CronRunState::kCanceled);  // kT0 + 1000, canceled while pending
}

TEST_P(StoreContract, AudienceListsArePushedInBatchesAndPaged) {
  core::CronStore* cron = store_->cronStore();
  std::vector<core::AudienceEntry> batch = {{0, R"({"user":"a"})", "{}"},
                                            {0, R"({"user":"b"})", R"({"name":"B"})"}};
  EXPECT_EQ(*cron->pushAudience("shop", "vip", batch, true), 2u);
  EXPECT_EQ(*cron->pushAudience("shop", "vip", {{0, R"({"user":"c"})", "{}"}}, false), 3u);
  EXPECT_EQ(*cron->pushAudience("other", "vip", batch, false), 2u);  // per app
  auto page = cron->audiencePage("shop", "vip", 0, 2);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[1].varsJson, R"({"name":"B"})");
  auto rest = cron->audiencePage("shop", "vip", (*page)[1].seq, 10);
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ(rest->front().toJson, R"({"user":"c"})");
  EXPECT_EQ(*cron->pushAudience("shop", "vip", {{0, R"({"user":"z"})", "{}"}}, true), 1u);
  EXPECT_EQ(cron->audiencePage("shop", "vip", 0, 10)->front().toJson, R"({"user":"z"})");
}

}  // namespace notify::test
