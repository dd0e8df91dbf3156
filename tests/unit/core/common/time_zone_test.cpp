// SPDX-License-Identifier: Apache-2.0
#include "core/common/time_zone.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "core/common/process_clock.hpp"
#include "core/common/time.hpp"

namespace notify::core {
namespace {

int64_t at(const char* rfc3339) {
  return parseRfc3339(rfc3339).value();
}

std::shared_ptr<const TimeZone> zone(const char* name) {
  std::string error;
  auto z = TimeZone::find(name, error);
  EXPECT_TRUE(z) << error;
  return z;
}

TEST(CivilDays, RoundTripsAcrossCenturiesAndLeapDays) {
  EXPECT_EQ(daysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(daysFromCivil(2000, 3, 1), 11017);
  for (int64_t d = -800000; d < 800000; d += 997) {
    int y, m, day;
    civilFromDays(d, y, m, day);
    EXPECT_EQ(daysFromCivil(y, m, day), d);
  }
}

TEST(TimeZone, ShanghaiHasAFixedOffsetAndWeekday) {
  auto z = zone("Asia/Shanghai");
  EXPECT_EQ(z->offsetMs(at("2026-11-26T00:00:00Z")), 8 * 3600 * 1000);
  LocalDateTime local = z->toLocal(at("2026-11-26T17:30:05Z"));
  EXPECT_EQ(local.year, 2026);
  EXPECT_EQ(local.month, 11);
  EXPECT_EQ(local.day, 27);
  EXPECT_EQ(local.hour, 1);
  EXPECT_EQ(local.minute, 30);
  EXPECT_EQ(local.second, 5);
  EXPECT_EQ(local.weekday, 5);  // Friday
}

TEST(TimeZone, NewYorkSpringForwardLeavesAGap) {
  auto z = zone("America/New_York");
  // 2026-03-08 02:00 EST → 03:00 EDT.
  EXPECT_EQ(z->offsetMs(at("2026-03-08T06:59:59Z")), -5 * 3600 * 1000);
  EXPECT_EQ(z->offsetMs(at("2026-03-08T07:00:00Z")), -4 * 3600 * 1000);
  EXPECT_TRUE(z->fromLocal({2026, 3, 8, 2, 30, 0}).empty());
  EXPECT_EQ(z->fromLocal({2026, 3, 8, 1, 59, 0}),
            std::vector<int64_t>{at("2026-03-08T01:59:00-05:00")});
  EXPECT_EQ(z->fromLocal({2026, 3, 8, 3, 0, 0}),
            std::vector<int64_t>{at("2026-03-08T03:00:00-04:00")});
}

TEST(TimeZone, NewYorkFallBackRepeatsAnHour) {
  auto z = zone("America/New_York");
  // 2026-11-01 02:00 EDT → 01:00 EST: 01:30 happens twice.
  std::vector<int64_t> both = z->fromLocal({2026, 11, 1, 1, 30, 0});
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0], at("2026-11-01T01:30:00-04:00"));
  EXPECT_EQ(both[1], at("2026-11-01T01:30:00-05:00"));
}

TEST(TimeZone, RuleBeyondTheLastRecordedTransition) {
  // Fat TZif files record transitions up to 2037; later instants come from the POSIX rule.
  auto z = zone("Europe/Berlin");
  EXPECT_EQ(z->offsetMs(at("2091-07-01T12:00:00Z")), 2 * 3600 * 1000);
  EXPECT_EQ(z->offsetMs(at("2091-12-01T12:00:00Z")), 1 * 3600 * 1000);
  // Last Sunday of March 2091 is the 25th: 01:00 UTC switch.
  EXPECT_EQ(z->offsetMs(at("2091-03-25T00:59:59Z")), 1 * 3600 * 1000);
  EXPECT_EQ(z->offsetMs(at("2091-03-25T01:00:00Z")), 2 * 3600 * 1000);
  auto sydney = zone("Australia/Sydney");  // southern hemisphere: DST spans the new year
  EXPECT_EQ(sydney->offsetMs(at("2090-01-15T00:00:00Z")), 11 * 3600 * 1000);
  EXPECT_EQ(sydney->offsetMs(at("2090-07-15T00:00:00Z")), 10 * 3600 * 1000);
}

TEST(TimeZone, UnknownAndUnsafeNamesAreRefusedWithAReason) {
  std::string error;
  EXPECT_FALSE(TimeZone::find("Mars/Olympus_Mons", error));
  EXPECT_NE(error.find("unknown time zone 'Mars/Olympus_Mons'"), std::string::npos) << error;
  EXPECT_FALSE(TimeZone::find("../../etc/passwd", error));
  EXPECT_NE(error.find("not a time zone name"), std::string::npos) << error;
  EXPECT_EQ(TimeZone::find("UTC", error)->offsetMs(0), 0);
}

TEST(TestClock, ParsesStartScaleAndAnchor) {
  std::string error;
  auto clock = parseTestClock("start=2026-03-08T01:58:00-05:00,scale=60,anchor=1000", 0, error);
  ASSERT_TRUE(clock) << error;
  EXPECT_EQ(clock->at(1000), at("2026-03-08T01:58:00-05:00"));
  EXPECT_EQ(clock->at(2000), at("2026-03-08T01:59:00-05:00"));  // one real second = one minute
  EXPECT_FALSE(parseTestClock("scale=0", 0, error));
  EXPECT_NE(error.find("scale"), std::string::npos);
  EXPECT_FALSE(parseTestClock("start=yesterday", 0, error));
  EXPECT_NE(error.find("start"), std::string::npos);
  EXPECT_FALSE(parseTestClock("speed=2", 0, error));
  EXPECT_NE(error.find("unknown part 'speed'"), std::string::npos);
}

}  // namespace
}  // namespace notify::core
