// SPDX-License-Identifier: Apache-2.0
#include "core/dispatch/retry_policy.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace notify::core {
namespace {

constexpr int64_t kNow = 1800000000000;

const RetryPolicy kPolicy{3, 1000, 300000};

TEST(Backoff, DoublesPerAttemptWithoutJitter) {
  EXPECT_EQ(backoffMs(kPolicy, 1, 0.0), 500);
  EXPECT_EQ(backoffMs(kPolicy, 2, 0.0), 1000);
  EXPECT_EQ(backoffMs(kPolicy, 3, 0.0), 2000);
  EXPECT_EQ(backoffMs(kPolicy, 4, 0.0), 4000);
}

TEST(Backoff, FullJitterReachesTheCeiling) {
  EXPECT_EQ(backoffMs(kPolicy, 1, 1.0), 1000);
  EXPECT_EQ(backoffMs(kPolicy, 3, 0.5), 3000);
}

TEST(Backoff, IsCappedAtTheMaximum) {
  EXPECT_EQ(backoffMs(kPolicy, 10, 0.0), 150000);  // 1000 * 2^9 > 300000
  EXPECT_EQ(backoffMs(kPolicy, 10, 1.0), 300000);
  EXPECT_EQ(backoffMs(kPolicy, 1000, 0.0), 150000);  // no overflow for huge attempts
  EXPECT_EQ(backoffMs(kPolicy, 4000000000u, 1.0), 300000);
}

TEST(Backoff, JitterStaysWithinHalfToFullCeiling) {
  for (uint32_t attempt = 1; attempt <= 40; ++attempt) {
    int64_t ceiling = std::min<int64_t>(300000, attempt > 20 ? 300000 : 1000LL << (attempt - 1));
    for (double jitter : {0.0, 0.25, 0.5, 0.999999}) {
      int64_t wait = backoffMs(kPolicy, attempt, jitter);
      EXPECT_GE(wait, ceiling / 2) << attempt << " " << jitter;
      EXPECT_LT(wait, ceiling) << attempt << " " << jitter;
    }
  }
}

TEST(Backoff, OutOfRangeJitterIsClamped) {
  EXPECT_EQ(backoffMs(kPolicy, 2, -3.0), 1000);
  EXPECT_EQ(backoffMs(kPolicy, 2, 7.0), 2000);
}

ClaimedMessage claimed(uint32_t attempt) {
  ClaimedMessage m;
  m.id = "019a6b3c-5a1e-7c4d-9f00-2b1d6e0a9c11";
  m.attempt = attempt;
  m.createdMs = kNow - 1000;  // a second old: far from any maximum age
  return m;
}

SendOutcome outcome(notify_status status, int64_t retryAfterMs = 0) {
  return SendOutcome{status, "E42", "pm-7", "provider said so", retryAfterMs};
}

Transition decide(notify_status status, uint32_t attempt = 1, int64_t retryAfterMs = 0) {
  return decideNext(claimed(attempt), outcome(status, retryAfterMs), "outbox", "file", kPolicy,
                    kNow, 0.0);
}

TEST(DecideNext, CopiesIdentityAndProviderDetails) {
  Transition t = decide(NOTIFY_DELIVERED, 2);
  EXPECT_EQ(t.messageId, "019a6b3c-5a1e-7c4d-9f00-2b1d6e0a9c11");
  EXPECT_EQ(t.attempt, 2u);
  EXPECT_EQ(t.provider, "outbox");
  EXPECT_EQ(t.providerMessageId, "pm-7");
  EXPECT_EQ(t.event.atMs, kNow);
  EXPECT_EQ(t.event.actor, "plugin:file");
  EXPECT_EQ(t.event.provider, "outbox");
  EXPECT_EQ(t.event.code, "E42");
  EXPECT_EQ(t.event.detail, "provider said so");
}

struct StatusCase {
  notify_status status;
  MessageState state;
  bool final;
};

TEST(DecideNext, MapsEveryStatusToItsState) {
  const StatusCase cases[] = {
      {NOTIFY_DELIVERED, MessageState::kDelivered, true},
      {NOTIFY_ACCEPTED, MessageState::kProviderAccepted, true},
      {NOTIFY_REJECTED, MessageState::kFailed, true},
      {NOTIFY_RETRY, MessageState::kRetrying, false},
      {NOTIFY_RATE_LIMITED, MessageState::kRateLimited, false},
      {NOTIFY_BAD_CONFIG, MessageState::kRetrying, false},
      {NOTIFY_INTERNAL_ERROR, MessageState::kRetrying, false},
  };
  for (const auto& c : cases) {
    Transition t = decide(c.status);
    SCOPED_TRACE(statusName(c.status));
    EXPECT_EQ(t.state, c.state);
    EXPECT_EQ(t.event.state, t.state);
    EXPECT_EQ(t.readyMs.has_value(), !c.final);
    if (!c.final) {
      EXPECT_EQ(*t.readyMs, kNow + 500);
      EXPECT_NE(t.event.detail.find(statusName(c.status)), std::string::npos) << t.event.detail;
      EXPECT_NE(t.event.detail.find("provider said so"), std::string::npos) << t.event.detail;
      EXPECT_NE(t.event.detail.find("500 ms"), std::string::npos) << t.event.detail;
    }
  }
}

TEST(DecideNext, BackoffGrowsWithTheAttempt) {
  EXPECT_EQ(*decide(NOTIFY_RETRY, 2).readyMs, kNow + 1000);
}

TEST(DecideNext, LongerRetryAfterIsHonoured) {
  Transition t = decide(NOTIFY_RATE_LIMITED, 1, 10000);
  EXPECT_EQ(t.state, MessageState::kRateLimited);
  EXPECT_EQ(t.readyMs, kNow + 10000);
  EXPECT_NE(t.event.detail.find("10000 ms"), std::string::npos) << t.event.detail;
}

TEST(DecideNext, ShorterRetryAfterLosesToBackoff) {
  EXPECT_EQ(decide(NOTIFY_RETRY, 1, 10).readyMs, kNow + 500);
}

TEST(DecideNext, FailsAfterMaxAttempts) {
  for (notify_status status :
       {NOTIFY_RETRY, NOTIFY_RATE_LIMITED, NOTIFY_BAD_CONFIG, NOTIFY_INTERNAL_ERROR}) {
    SCOPED_TRACE(statusName(status));
    Transition t = decide(status, 3, 60000);
    EXPECT_EQ(t.state, MessageState::kFailed);
    EXPECT_EQ(t.event.state, MessageState::kFailed);
    EXPECT_FALSE(t.readyMs.has_value());
    EXPECT_NE(t.event.detail.find("after 3 attempts"), std::string::npos) << t.event.detail;
    EXPECT_NE(t.event.detail.find("giving up"), std::string::npos) << t.event.detail;
    EXPECT_NE(t.event.detail.find("provider said so"), std::string::npos) << t.event.detail;
  }
}

TEST(DecideNext, LastAttemptBeforeTheLimitStillRetries) {
  Transition t = decide(NOTIFY_RETRY, 2);
  EXPECT_EQ(t.state, MessageState::kRetrying);
  EXPECT_TRUE(t.readyMs.has_value());
}

TEST(DecideNext, FinalAnswersOnTheLastAttemptKeepTheirState) {
  EXPECT_EQ(decide(NOTIFY_DELIVERED, 3).state, MessageState::kDelivered);
  EXPECT_EQ(decide(NOTIFY_REJECTED, 3).event.detail, "provider said so");
}

TEST(DecideNext, JitterIsApplied) {
  Transition t =
      decideNext(claimed(1), outcome(NOTIFY_RETRY), "outbox", "file", kPolicy, kNow, 0.5);
  EXPECT_EQ(t.readyMs, kNow + 750);
}

TEST(DecideNext, GivesUpWhenTheNextAttemptWouldPassTheMaximumAge) {
  RetryPolicy policy = kPolicy;
  policy.maxAgeMs = 60000;
  ClaimedMessage old = claimed(1);
  old.createdMs = kNow - 59800;  // the 1 s+ backoff would land past 60 s
  Transition t = decideNext(old, outcome(NOTIFY_RETRY), "outbox", "file", policy, kNow, 0.5);
  EXPECT_EQ(t.state, MessageState::kFailed);
  EXPECT_EQ(t.event.state, MessageState::kFailed);
  EXPECT_FALSE(t.readyMs.has_value());
  EXPECT_NE(t.event.detail.find("maximum age"), std::string::npos);
}

TEST(DecideNext, AScheduledMessageAgesFromItsSendAt) {
  RetryPolicy policy = kPolicy;
  policy.maxAgeMs = 60000;
  ClaimedMessage scheduled = claimed(1);
  scheduled.createdMs = kNow - 2 * 86400000;  // accepted two days ago for now
  scheduled.sendAtMs = kNow - 100;
  Transition t = decideNext(scheduled, outcome(NOTIFY_RETRY), "outbox", "file", policy, kNow, 0.5);
  EXPECT_EQ(t.state, MessageState::kRetrying);
  EXPECT_EQ(t.readyMs, kNow + 750);
}

TEST(WaitTransition, GivesTheAttemptBackAndNamesTheProvider) {
  Transition t = waitTransition(claimed(2), MessageState::kRateLimited, kNow + 5000, "robot",
                                "at its limit", kNow);
  EXPECT_TRUE(t.refundAttempt);
  EXPECT_EQ(t.attempt, 2u);
  EXPECT_EQ(t.readyMs, kNow + 5000);
  EXPECT_EQ(t.event.state, MessageState::kRateLimited);
  EXPECT_EQ(t.event.provider, "robot");
}

}  // namespace
}  // namespace notify::core
