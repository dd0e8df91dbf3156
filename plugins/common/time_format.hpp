// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>

namespace notify::plugin::common {

// The UTC calendar and clock fields of an instant given in Unix milliseconds.
struct UtcParts {
  int year;
  unsigned month;    // 1..12
  unsigned day;      // 1..31
  unsigned weekday;  // 0 = Sunday .. 6 = Saturday
  int hours;
  int minutes;
  int seconds;
  int millis;
};
UtcParts utcParts(int64_t unixMs);

// Formats Unix milliseconds as RFC 3339 UTC with millisecond precision, e.g.
// "2021-02-26T03:42:10.123Z". Pure: no time zone database, no locale.
std::string formatRfc3339Ms(int64_t unixMs);

// The same instant to the second, "2017-07-12T02:42:19Z" (ISO 8601 as signed APIs want it).
std::string formatIso8601Seconds(int64_t unixMs);

// The UTC calendar date, "2019-02-25" (TC3 credential scopes). Never local time.
std::string formatUtcDate(int64_t unixMs);

}  // namespace notify::plugin::common
