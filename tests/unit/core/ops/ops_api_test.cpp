// SPDX-License-Identifier: Apache-2.0
#include "core/ops/ops_api.hpp"

#include <gtest/gtest.h>

namespace notify::core {
namespace {

constexpr int64_t kNow = 1800000000000;

TEST(ParseSince, DurationsCountBackFromNow) {
  EXPECT_EQ(parseSince("90s", kNow), kNow - 90000);
  EXPECT_EQ(parseSince("30m", kNow), kNow - 1800000);
  EXPECT_EQ(parseSince("24h", kNow), kNow - 86400000);
  EXPECT_EQ(parseSince("7d", kNow), kNow - 7 * 86400000LL);
}

TEST(ParseSince, AcceptsRfc3339AndRefusesAnythingElse) {
  std::optional<int64_t> at = parseSince("2027-01-15T08:00:00Z", kNow);
  ASSERT_TRUE(at.has_value());
  EXPECT_EQ(*at, 1800000000000);
  EXPECT_FALSE(parseSince("24x", kNow).has_value());
  EXPECT_FALSE(parseSince("h", kNow).has_value());
  EXPECT_FALSE(parseSince("", kNow).has_value());
}

}  // namespace
}  // namespace notify::core
