// SPDX-License-Identifier: Apache-2.0
// planDue: what a cron job owes at a given time, by its misfire policy; and its message keys.
#include <gtest/gtest.h>

#include "core/common/time.hpp"
#include "core/schedule/cron_expr.hpp"
#include "core/schedule/cron_runner.hpp"

namespace notify::core {
namespace {

int64_t t(const char* rfc3339) {
  return parseRfc3339(rfc3339).value();
}

CronJobConfig dailyAtNine(MisfirePolicy misfire) {
  CronJobConfig job;
  job.name = "bills";
  job.schedule = std::make_shared<const CronExpr>(CronExpr::parse("0 9 * * *").value());
  std::string error;
  job.zone = TimeZone::find("Asia/Shanghai", error);
  job.misfire = misfire;
  return job;
}

TEST(CronPlan, NothingOwedBeforeTheFirstFireTime) {
  DuePlan plan = planDue(dailyAtNine(MisfirePolicy::kSkip), std::nullopt,
                         t("2026-06-01T08:00:00+08:00"), t("2026-06-01T08:59:59+08:00"));
  EXPECT_FALSE(plan.run);
  EXPECT_EQ(plan.nextFireMs, t("2026-06-01T09:00:00+08:00"));
}

TEST(CronPlan, OnTimeRunAndTheNextFireTime) {
  DuePlan plan = planDue(dailyAtNine(MisfirePolicy::kSkip), std::nullopt,
                         t("2026-06-01T08:00:00+08:00"), t("2026-06-01T09:00:00.200+08:00"));
  ASSERT_TRUE(plan.run);
  EXPECT_EQ(plan.run->plannedMs, t("2026-06-01T09:00:00+08:00"));
  EXPECT_EQ(plan.run->trigger, "schedule");
  EXPECT_EQ(plan.run->state, CronRunState::kPending);
  EXPECT_EQ(plan.nextFireMs, t("2026-06-02T09:00:00+08:00"));
}

TEST(CronPlan, AlreadyPlannedIsNotOwedAgain) {
  DuePlan plan = planDue(dailyAtNine(MisfirePolicy::kSkip), t("2026-06-01T09:00:00+08:00"),
                         t("2026-05-01T00:00:00+08:00"), t("2026-06-01T09:00:30+08:00"));
  EXPECT_FALSE(plan.run);
  EXPECT_EQ(plan.nextFireMs, t("2026-06-02T09:00:00+08:00"));
}

TEST(CronPlan, SkipRecordsTheLatestMissAsSkipped) {
  // Last ran on the 1st; down until the 4th at 10:00: the 2nd, 3rd and 4th were missed.
  DuePlan plan = planDue(dailyAtNine(MisfirePolicy::kSkip), t("2026-06-01T09:00:00+08:00"),
                         t("2026-05-01T00:00:00+08:00"), t("2026-06-04T10:00:00+08:00"));
  ASSERT_TRUE(plan.run);
  EXPECT_EQ(plan.run->plannedMs, t("2026-06-04T09:00:00+08:00"));
  EXPECT_EQ(plan.run->state, CronRunState::kSkipped);
  EXPECT_EQ(plan.run->finishedMs, t("2026-06-04T10:00:00+08:00"));
  EXPECT_NE(plan.run->errorDetail.find("3 fire time(s) missed"), std::string::npos)
      << plan.run->errorDetail;
  EXPECT_EQ(plan.nextFireMs, t("2026-06-05T09:00:00+08:00"));
}

TEST(CronPlan, RunOnceCatchesUpTheLatestMissOnly) {
  DuePlan plan = planDue(dailyAtNine(MisfirePolicy::kRunOnce), t("2026-06-01T09:00:00+08:00"),
                         t("2026-05-01T00:00:00+08:00"), t("2026-06-04T10:00:00+08:00"));
  ASSERT_TRUE(plan.run);
  EXPECT_EQ(plan.run->plannedMs, t("2026-06-04T09:00:00+08:00"));
  EXPECT_EQ(plan.run->trigger, "catch_up");
  EXPECT_EQ(plan.run->state, CronRunState::kPending);
}

TEST(CronPlan, WithinTheGraceALateStartIsStillOnTime) {
  CronJobConfig job = dailyAtNine(MisfirePolicy::kSkip);
  job.misfireGraceMs = 120000;
  DuePlan plan =
      planDue(job, std::nullopt, t("2026-06-01T08:00:00+08:00"), t("2026-06-01T09:01:59+08:00"));
  ASSERT_TRUE(plan.run);
  EXPECT_EQ(plan.run->state, CronRunState::kPending);
  EXPECT_EQ(plan.run->trigger, "schedule");
}

TEST(CronPlan, FireTimesBeforeSinceAreNotOwed) {
  // Resumed (or first seen) at 09:30: today's 09:00 is not owed, whatever the policy.
  DuePlan plan = planDue(dailyAtNine(MisfirePolicy::kRunOnce), t("2026-06-01T09:00:00+08:00"),
                         t("2026-06-03T09:30:00+08:00"), t("2026-06-03T09:31:00+08:00"));
  EXPECT_FALSE(plan.run);
  EXPECT_EQ(plan.nextFireMs, t("2026-06-04T09:00:00+08:00"));
}

TEST(CronPlan, IdempotencyKeysAreStablePerJobTimeAndRecipient) {
  std::string a = cronIdempotencyKey("bills", 1780275600000, R"({"phone":"+8613800000001"})");
  EXPECT_EQ(a, cronIdempotencyKey("bills", 1780275600000, R"({"phone":"+8613800000001"})"));
  EXPECT_NE(a, cronIdempotencyKey("bills", 1780275600000, R"({"phone":"+8613800000002"})"));
  EXPECT_NE(a, cronIdempotencyKey("bills", 1780362000000, R"({"phone":"+8613800000001"})"));
  EXPECT_EQ(a.rfind("cron:bills:1780275600000:", 0), 0u);
  EXPECT_LE(cronIdempotencyKey(std::string(64, 'j'), 1780275600000, "{}").size(), 128u);
}

}  // namespace
}  // namespace notify::core
