// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/result.hpp"
#include "core/common/time_zone.hpp"

namespace notify::core {

// A standard five-field cron expression: minute hour day-of-month month day-of-week, each a
// list of values, ranges and steps ("0,30", "9-17", "*/15", "10-50/20"), with month and weekday
// names (JAN-DEC, SUN-SAT; 0 and 7 are Sunday), plus @hourly, @daily, @midnight, @weekly,
// @monthly, @yearly and @annually. Day-of-month and day-of-week follow the usual rule: when both
// are restricted (neither starts with '*') a day matching either fires; otherwise both must.
//
// Times are wall-clock times in a zone, and daylight saving is handled so that every matching
// wall-clock minute fires exactly once:
//  - a time that does not exist (skipped by a spring-forward change, e.g. 02:30 in New York on
//    the second Sunday of March) fires once at the first instant after the gap (03:00 EDT);
//  - a time that occurs twice (a fall-back change) fires at its first occurrence only, so a
//    01:30 job runs once, and an every-10-minutes job pauses during the repeated hour.
class CronExpr {
 public:
  // Parses text; the error says which field is wrong and why.
  static Result<CronExpr> parse(std::string_view text);

  // The first fire time strictly after afterMs (Unix ms) in zone, or nullopt when the
  // expression never matches in the next eight years (e.g. "0 0 30 2 *").
  std::optional<int64_t> nextAfter(int64_t afterMs, const TimeZone& zone) const;

  const std::string& text() const { return text_; }

 private:
  CronExpr() = default;

  bool dayMatches(int month, int day, int weekday) const;
  // The instant at which the zone's clocks show local (a whole minute): the first occurrence,
  // or the end of the gap when the time is skipped.
  static int64_t instantOf(const LocalDateTime& local, const TimeZone& zone);

  std::string text_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;     // 1-31
  std::bitset<13> months_;   // 1-12
  std::bitset<7> weekdays_;  // 0 = Sunday
  bool daysRestricted_ = false;
  bool weekdaysRestricted_ = false;
};

}  // namespace notify::core
