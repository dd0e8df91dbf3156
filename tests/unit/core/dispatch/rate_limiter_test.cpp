// SPDX-License-Identifier: Apache-2.0
#include "core/dispatch/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <queue>
#include <random>

namespace notify::core {
namespace {

TEST(ParseRateWindow, AcceptsCommonSpellings) {
  struct Case {
    const char* text;
    int64_t limit;
    int64_t windowMs;
  };
  for (const Case& c :
       {Case{"3000/s", 3000, 1000}, Case{"20/min", 20, 60000}, Case{"20/60s", 20, 60000},
        Case{"100/1m", 100, 60000}, Case{"10000/h", 10000, 3600000}, Case{"50/day", 50, 86400000},
        Case{"5/250ms", 5, 250}}) {
    Result<RateWindow> w = parseRateWindow(c.text);
    ASSERT_TRUE(w.ok()) << c.text;
    EXPECT_EQ(w->limit, c.limit) << c.text;
    EXPECT_EQ(w->windowMs, c.windowMs) << c.text;
  }
}

TEST(ParseRateWindow, RefusesNonsenseWithAnExample) {
  for (const char* text : {"", "20", "/s", "0/s", "-1/s", "20/fortnight", "x/s", "20/0s"}) {
    Result<RateWindow> w = parseRateWindow(text);
    ASSERT_FALSE(w.ok()) << text;
    EXPECT_NE(w.error().message.find("20/min"), std::string::npos);
  }
}

// Every window [t, t + windowMs) over the grant times holds at most `limit` grants.
int64_t worstWindow(const std::vector<int64_t>& grants, int64_t windowMs) {
  int64_t worst = 0;
  size_t start = 0;
  for (size_t end = 0; end < grants.size(); ++end) {
    while (grants[end] - grants[start] >= windowMs) {
      ++start;
    }
    worst = std::max<int64_t>(worst, static_cast<int64_t>(end - start + 1));
  }
  return worst;
}

TEST(RateLimiter, NeverOvershootsAnyWindowAndUsesAtLeast99Percent) {
  RateLimiter limiter({{20, 60000}});  // a DingTalk robot
  std::mt19937 random(42);
  std::vector<int64_t> grants;
  const int64_t start = 1'700'000'000'000;
  const int64_t hours = 6;
  // Saturated: callers knock at random moments, far more often than the limit allows.
  for (int64_t t = start; t < start + hours * 3600000; t += 1 + random() % 400) {
    if (limiter.tryAcquire(t) == 0) {
      grants.push_back(t);
    }
  }
  EXPECT_LE(worstWindow(grants, 60000), 20);
  double allowed = static_cast<double>(hours * 60 * 20);
  EXPECT_GE(static_cast<double>(grants.size()), 0.99 * allowed);
}

TEST(RateLimiter, HoldsSeveralWindowsAtOnce) {
  RateLimiter limiter({{5, 1000}, {100, 60000}});  // a Feishu bot: 5/s and 100/min
  std::vector<int64_t> grants;
  const int64_t start = 1'700'000'000'000;
  for (int64_t t = start; t < start + 10 * 60000; t += 7) {
    if (limiter.tryAcquire(t) == 0) {
      grants.push_back(t);
    }
  }
  EXPECT_LE(worstWindow(grants, 1000), 5);
  EXPECT_LE(worstWindow(grants, 60000), 100);
  EXPECT_GE(grants.size(), 990u);  // 10 minutes at 100/min
}

TEST(RateLimiter, SaysWhenTheNextPermitIsDue) {
  RateLimiter limiter({{2, 1000}});
  EXPECT_EQ(limiter.tryAcquire(10'000), 0);
  EXPECT_EQ(limiter.tryAcquire(10'100), 0);
  int64_t next = limiter.tryAcquire(10'200);
  EXPECT_EQ(next, 10'000 + 1000 + 5);  // the oldest grant leaves the window plus its margin
  EXPECT_EQ(limiter.tryAcquire(next - 1), next);
  EXPECT_EQ(limiter.tryAcquire(next), 0);
}

TEST(RateLimiter, ReportsUtilisationOfTheTightestWindow) {
  RateLimiter limiter({{4, 1000}, {100, 60000}});
  limiter.tryAcquire(1000);
  limiter.tryAcquire(1001);
  EXPECT_DOUBLE_EQ(limiter.utilisation(1002), 0.5);
  EXPECT_DOUBLE_EQ(limiter.utilisation(5000), 0.02);  // only the minute window still counts them
}

}  // namespace
}  // namespace notify::core

namespace notify::core {
namespace {

struct Backlog {
  size_t attempts = 0;
  std::vector<int64_t> grants;
};

// A backlog of `messages`, all ready at 0, worked in time order the way claimers do: try for a
// permit; without one, wait until the limiter's scheduleWaiter says.
Backlog drain(RateLimiter& limiter, size_t messages) {
  using Due = std::pair<int64_t, size_t>;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due;
  for (size_t i = 0; i < messages; ++i) {
    due.emplace(0, i);
  }
  Backlog result;
  while (!due.empty()) {
    auto [at, id] = due.top();
    due.pop();
    ++result.attempts;
    if (limiter.tryAcquire(at) == 0) {
      result.grants.push_back(at);
    } else {
      due.emplace(limiter.scheduleWaiter(at), id);
    }
  }
  return result;
}

TEST(RateLimiterPacing, ABacklogWakesAFewAtATimeNotAllAtEveryPermit) {
  RateLimiter limiter({{20, 60000}});
  Backlog b = drain(limiter, 2000);
  ASSERT_EQ(b.grants.size(), 2000u);
  EXPECT_LE(worstWindow(b.grants, 60000), 20);
  // Each message is tried about twice (once on arrival, once at its promised permit), where
  // waking every waiter at every permit would cost 2000 x 100 tries.
  EXPECT_LE(b.attempts, 2000u * 2 + 100) << b.attempts;
  // And the limit is still used: 100 windows (+ margin) for 2000 messages at 20 per window.
  EXPECT_LE(b.grants.back(), 100 * 60300);
}

TEST(RateLimiterPacing, SeveralWindowsArePacedByTheTightest) {
  RateLimiter limiter({{5, 1000}, {100, 60000}});
  Backlog b = drain(limiter, 1000);
  ASSERT_EQ(b.grants.size(), 1000u);
  EXPECT_LE(worstWindow(b.grants, 1000), 5);
  EXPECT_LE(worstWindow(b.grants, 60000), 100);
  EXPECT_LE(b.attempts, 1000u * 3) << b.attempts;
}

TEST(RateLimiterPacing, APriorityWaiterIsPromisedTheNextPermitAheadOfTheQueue) {
  RateLimiter limiter({{20, 60000}});
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(limiter.tryAcquire(1000), 0);
  }
  int64_t last = 0;
  for (int i = 0; i < 1000; ++i) {
    last = limiter.scheduleWaiter(2000);
  }
  EXPECT_GT(last, 40LL * 60000);  // the 1000th waiter is ~50 windows away
  EXPECT_EQ(limiter.scheduleWaiter(2000, /*ahead=*/true), 1000 + 60300);
  // Priority waiters queue among themselves: distinct permits, still ahead of the rest.
  EXPECT_EQ(limiter.scheduleWaiter(2000, /*ahead=*/true), 1000 + 60300);  // 20 grants at 1000
  for (int i = 0; i < 18; ++i) {
    limiter.scheduleWaiter(2000, true);
  }
  EXPECT_EQ(limiter.scheduleWaiter(2000, true), 1000 + 2 * 60300);  // the 21st: next window
}

TEST(RateLimiterPacing, PromisesRestartOnceTheyHaveComeDue) {
  RateLimiter limiter({{2, 1000}});
  ASSERT_EQ(limiter.tryAcquire(0), 0);
  ASSERT_EQ(limiter.tryAcquire(0), 0);
  EXPECT_EQ(limiter.scheduleWaiter(10), 1005);
  EXPECT_EQ(limiter.scheduleWaiter(10), 1005);
  EXPECT_EQ(limiter.scheduleWaiter(10), 2010);
  // Those waiters vanished (canceled, failed over): later ones are not pushed behind them.
  EXPECT_EQ(limiter.scheduleWaiter(5000), 5000);
}

TEST(RateLimiterPacing, AProvidersOwnThrottlingPausesEveryPermit) {
  RateLimiter limiter({{100, 1000}});
  limiter.pauseUntil(7000);
  EXPECT_EQ(limiter.tryAcquire(1000), 7000);
  EXPECT_EQ(limiter.scheduleWaiter(1000), 7000);
  EXPECT_EQ(limiter.tryAcquire(7000), 0);
  RateLimiter unlimited({});
  unlimited.pauseUntil(500);
  EXPECT_EQ(unlimited.tryAcquire(100), 500);
  EXPECT_EQ(unlimited.tryAcquire(500), 0);
}

}  // namespace
}  // namespace notify::core
