// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace notify::core {

// A wall-clock reading in some zone. weekday: 0 = Sunday … 6 = Saturday (filled by toLocal).
struct LocalDateTime {
  int year = 1970;
  int month = 1;  // 1-12
  int day = 1;    // 1-31
  int hour = 0;
  int minute = 0;
  int second = 0;
  int weekday = 0;
};

// Days since 1970-01-01 of a proleptic Gregorian date, and back.
int64_t daysFromCivil(int year, int month, int day);
void civilFromDays(int64_t days, int& year, int& month, int& day);

// A time zone from the system's tz database (/usr/share/zoneinfo, Debian package tzdata): the
// recorded transitions, then the zone's POSIX rule for instants after the last one. Immutable
// and shared; find() caches every zone it has read.
class TimeZone {
 public:
  // "UTC", "Asia/Shanghai", "America/New_York". nullptr and error (why) when the name is not a
  // zone or the file cannot be read.
  static std::shared_ptr<const TimeZone> find(const std::string& name, std::string& error);
  static std::shared_ptr<const TimeZone> utc();

  const std::string& name() const { return name_; }

  // The offset from UTC in force at that instant, in milliseconds (+08:00 → 28,800,000).
  int64_t offsetMs(int64_t unixMs) const;

  LocalDateTime toLocal(int64_t unixMs) const;

  // Every instant at which the zone's clocks show this wall time, earliest first: none in a
  // spring-forward gap, two in a fall-back overlap, one otherwise.
  std::vector<int64_t> fromLocal(const LocalDateTime& local) const;

  struct Rule;  // a POSIX TZ rule (the part after the last transition)
  struct Transition {
    int64_t atSec;       // UTC seconds at which offsetSec starts
    int32_t offsetSec;
  };

  TimeZone(std::string name, std::vector<Transition> transitions, int32_t initialOffsetSec,
           std::shared_ptr<const Rule> rule);

 private:
  int32_t offsetSecAt(int64_t unixSec) const;

  std::string name_;
  std::vector<Transition> transitions_;
  int32_t initialOffsetSec_ = 0;
  std::shared_ptr<const Rule> rule_;  // may be null: last offset holds forever
};

}  // namespace notify::core
