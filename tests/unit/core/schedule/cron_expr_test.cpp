// SPDX-License-Identifier: Apache-2.0
#include "core/schedule/cron_expr.hpp"

#include <gtest/gtest.h>

#include "core/common/time.hpp"

namespace notify::core {
namespace {

int64_t t(const char* rfc3339) {
  std::optional<int64_t> ms = parseRfc3339(rfc3339);
  EXPECT_TRUE(ms.has_value()) << rfc3339;
  return ms.value_or(0);
}

std::shared_ptr<const TimeZone> zone(const std::string& name) {
  std::string error;
  auto z = TimeZone::find(name, error);
  EXPECT_NE(z, nullptr) << error;
  return z;
}

CronExpr cron(const char* text) {
  Result<CronExpr> parsed = CronExpr::parse(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed.ok() ? "" : parsed.error().message);
  return std::move(parsed).value();
}

// The next fire time as RFC 3339 UTC, or "never".
std::string next(const char* expr, const char* zoneName, const char* after) {
  std::optional<int64_t> at = cron(expr).nextAfter(t(after), *zone(zoneName));
  return at ? formatRfc3339Ms(*at) : "never";
}

// Every fire time in [from, to).
std::vector<std::string> fires(const char* expr, const char* zoneName, const char* from,
                               const char* to) {
  CronExpr c = cron(expr);
  auto z = zone(zoneName);
  std::vector<std::string> out;
  int64_t at = t(from) - 1;
  while (auto n = c.nextAfter(at, *z)) {
    if (*n >= t(to) || out.size() > 1000) {
      break;
    }
    out.push_back(formatRfc3339Ms(*n));
    at = *n;
  }
  return out;
}

std::string parseError(const char* text) {
  Result<CronExpr> parsed = CronExpr::parse(text);
  EXPECT_FALSE(parsed.ok()) << text;
  return parsed.ok() ? "" : parsed.error().message;
}

TEST(CronExpr, WeekdaysAtNineThirtyInShanghai) {
  // 2026-11-26 is a Thursday.
  EXPECT_EQ(next("30 9 * * MON-FRI", "Asia/Shanghai", "2026-11-26T10:00:00+08:00"),
            "2026-11-27T01:30:00.000Z");
  EXPECT_EQ(next("30 9 * * MON-FRI", "Asia/Shanghai", "2026-11-27T09:30:00+08:00"),
            "2026-11-30T01:30:00.000Z");  // Friday's fired; next is Monday
  EXPECT_EQ(next("30 9 * * MON-FRI", "Asia/Shanghai", "2026-11-27T09:29:59.999+08:00"),
            "2026-11-27T01:30:00.000Z");
}

TEST(CronExpr, StepsListsAndRanges) {
  EXPECT_EQ(next("*/15 * * * *", "UTC", "2026-01-01T12:07:30Z"), "2026-01-01T12:15:00.000Z");
  EXPECT_EQ(next("*/15 * * * *", "UTC", "2026-01-01T12:45:00Z"), "2026-01-01T13:00:00.000Z");
  EXPECT_EQ(next("5,35 8-9 * * *", "UTC", "2026-01-01T09:35:00Z"), "2026-01-02T08:05:00.000Z");
  EXPECT_EQ(next("10-50/20 * * * *", "UTC", "2026-01-01T00:31:00Z"), "2026-01-01T00:50:00.000Z");
  EXPECT_EQ(next("5/20 0 * * *", "UTC", "2026-01-01T00:26:00Z"), "2026-01-01T00:45:00.000Z");
  EXPECT_EQ(next("0 0 1 jan *", "UTC", "2026-01-01T00:00:00Z"), "2027-01-01T00:00:00.000Z");
  EXPECT_EQ(next("@hourly", "UTC", "2026-01-01T00:00:00Z"), "2026-01-01T01:00:00.000Z");
  EXPECT_EQ(next("@daily", "Asia/Shanghai", "2026-01-01T00:00:00Z"), "2026-01-01T16:00:00.000Z");
}

TEST(CronExpr, SundayIsZeroOrSeven) {
  // 2026-01-01 is a Thursday; the next Sunday is the 4th.
  EXPECT_EQ(next("0 12 * * 7", "UTC", "2026-01-01T00:00:00Z"), "2026-01-04T12:00:00.000Z");
  EXPECT_EQ(next("0 12 * * 0", "UTC", "2026-01-01T00:00:00Z"), "2026-01-04T12:00:00.000Z");
  EXPECT_EQ(next("0 12 * * sun", "UTC", "2026-01-01T00:00:00Z"), "2026-01-04T12:00:00.000Z");
}

TEST(CronExpr, DayOfMonthOrDayOfWeekWhenBothAreRestricted) {
  // Both restricted: the 13th, or any Friday (Jan 2 is the first Friday).
  EXPECT_EQ(next("0 0 13 * FRI", "UTC", "2026-01-01T00:00:00Z"), "2026-01-02T00:00:00.000Z");
  EXPECT_EQ(next("0 0 13 * FRI", "UTC", "2026-01-09T00:00:00Z"), "2026-01-13T00:00:00.000Z");
  // Only one restricted: that one alone decides.
  EXPECT_EQ(next("0 0 13 * *", "UTC", "2026-01-01T00:00:00Z"), "2026-01-13T00:00:00.000Z");
  EXPECT_EQ(next("0 0 * * FRI", "UTC", "2026-01-03T00:00:00Z"), "2026-01-09T00:00:00.000Z");
  // A field starting with '*' counts as unrestricted: odd days that are Mondays (Jan 5).
  EXPECT_EQ(next("0 0 */2 * MON", "UTC", "2026-01-01T00:00:00Z"), "2026-01-05T00:00:00.000Z");
}

TEST(CronExpr, ImpossibleDateNeverFiresAndLeapDayWaits) {
  EXPECT_EQ(next("0 0 30 2 *", "UTC", "2026-01-01T00:00:00Z"), "never");
  EXPECT_EQ(next("0 0 29 2 *", "UTC", "2026-01-01T00:00:00Z"), "2028-02-29T00:00:00.000Z");
}

// New York springs forward on 2026-03-08: 02:00 EST becomes 03:00 EDT.
TEST(CronExpr, SpringForwardGapFiresOnceAtTheEndOfTheGap) {
  EXPECT_EQ(next("30 2 * * *", "America/New_York", "2026-03-08T01:00:00-05:00"),
            "2026-03-08T07:00:00.000Z");  // 03:00 EDT, the first valid instant
  EXPECT_EQ(fires("30 2 * * *", "America/New_York", "2026-03-07T00:00:00-05:00",
                  "2026-03-10T00:00:00-04:00"),
            (std::vector<std::string>{"2026-03-07T07:30:00.000Z", "2026-03-08T07:00:00.000Z",
                                      "2026-03-09T06:30:00.000Z"}));
  // Every 20 minutes through the missing hour: the three skipped times fire once together
  // with 03:00, then the schedule goes on.
  EXPECT_EQ(fires("*/20 * * * *", "America/New_York", "2026-03-08T01:30:00-05:00",
                  "2026-03-08T03:30:00-04:00"),
            (std::vector<std::string>{"2026-03-08T06:40:00.000Z", "2026-03-08T07:00:00.000Z",
                                      "2026-03-08T07:20:00.000Z"}));
}

// New York falls back on 2026-11-01: 02:00 EDT becomes 01:00 EST, so 01:xx happens twice.
TEST(CronExpr, FallBackOverlapFiresOnceAtTheFirstOccurrence) {
  EXPECT_EQ(fires("30 1 * * *", "America/New_York", "2026-10-31T00:00:00-04:00",
                  "2026-11-03T00:00:00-05:00"),
            (std::vector<std::string>{"2026-10-31T05:30:00.000Z", "2026-11-01T05:30:00.000Z",
                                      "2026-11-02T06:30:00.000Z"}));
  EXPECT_EQ(fires("0 * * * *", "America/New_York", "2026-11-01T00:30:00-04:00",
                  "2026-11-01T03:30:00-05:00"),
            (std::vector<std::string>{"2026-11-01T05:00:00.000Z", "2026-11-01T07:00:00.000Z",
                                      "2026-11-01T08:00:00.000Z"}));
  // Asked from inside the repeated hour, the 01:30 that already happened is not repeated.
  EXPECT_EQ(next("30 1 * * *", "America/New_York", "2026-11-01T01:10:00-05:00"),
            "2026-11-02T06:30:00.000Z");
}

TEST(CronExpr, ErrorsNameTheFieldAndTheRule) {
  EXPECT_EQ(parseError("61 * * * *"), "minute field '61': out of range 0-59");
  EXPECT_EQ(parseError("0 24 * * *"), "hour field '24': out of range 0-23");
  EXPECT_EQ(parseError("0 0 0 * *"), "day-of-month field '0': out of range 1-31");
  EXPECT_EQ(parseError("0 0 * FOO *"), "month field 'FOO': not a number or name");
  EXPECT_EQ(parseError("0 0 * * FRI-MON"), "day-of-week field 'FRI-MON': a range must go upwards");
  EXPECT_EQ(parseError("*/0 * * * *"),
            "minute field '*/0': the step must be a number from 1 to 59");
  EXPECT_NE(parseError("* * * *").find("has 4 fields"), std::string::npos);
  EXPECT_NE(parseError("@sometimes").find("has 1 fields"), std::string::npos);
  EXPECT_EQ(CronExpr::parse("1,,2 * * * *").ok(), false);
}

}  // namespace
}  // namespace notify::core
