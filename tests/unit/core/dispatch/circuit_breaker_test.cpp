// SPDX-License-Identifier: Apache-2.0
#include "core/dispatch/circuit_breaker.hpp"

#include <gtest/gtest.h>

namespace notify::core {
namespace {

TEST(CircuitBreaker, OpensAfterConsecutiveFailuresOnly) {
  CircuitBreaker breaker(3, 1000, 8000);
  breaker.recordFailure(0);
  breaker.recordFailure(0);
  breaker.recordSuccess();  // the streak is broken
  breaker.recordFailure(0);
  breaker.recordFailure(0);
  EXPECT_EQ(breaker.state(0), CircuitState::kClosed);
  breaker.recordFailure(10);
  EXPECT_EQ(breaker.state(10), CircuitState::kOpen);
  EXPECT_FALSE(breaker.allow(500));
  EXPECT_EQ(breaker.retryAtMs(500), 1010);
}

TEST(CircuitBreaker, LetsOneProbeThroughAfterTheCooldown) {
  CircuitBreaker breaker(1, 1000, 8000);
  breaker.recordFailure(0);
  EXPECT_EQ(breaker.state(1000), CircuitState::kHalfOpen);
  EXPECT_TRUE(breaker.allow(1000));
  EXPECT_FALSE(breaker.allow(1001));  // one probe at a time
  breaker.recordSuccess();
  EXPECT_EQ(breaker.state(1002), CircuitState::kClosed);
  EXPECT_TRUE(breaker.allow(1002));
  EXPECT_TRUE(breaker.allow(1003));
}

TEST(CircuitBreaker, AFailedProbeDoublesTheCooldownUpToTheCap) {
  CircuitBreaker breaker(1, 1000, 3000);
  breaker.recordFailure(0);
  ASSERT_TRUE(breaker.allow(1000));
  breaker.recordFailure(1000);
  EXPECT_EQ(breaker.retryAtMs(1000), 3000);  // 2 s
  ASSERT_TRUE(breaker.allow(3000));
  breaker.recordFailure(3000);
  EXPECT_EQ(breaker.retryAtMs(3000), 6000);  // capped at 3 s
  ASSERT_TRUE(breaker.allow(6000));
  breaker.recordSuccess();
  breaker.recordFailure(7000);
  EXPECT_EQ(breaker.retryAtMs(7000), 8000);  // success reset the cooldown
}

TEST(CircuitBreaker, NamesItsStates) {
  EXPECT_STREQ(circuitStateName(CircuitState::kClosed), "closed");
  EXPECT_STREQ(circuitStateName(CircuitState::kOpen), "open");
  EXPECT_STREQ(circuitStateName(CircuitState::kHalfOpen), "half_open");
}

}  // namespace
}  // namespace notify::core
