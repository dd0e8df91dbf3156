// SPDX-License-Identifier: Apache-2.0
#include "plugins/common/time_format.hpp"

#include <chrono>
#include <cstdio>

namespace notify::plugin::common {

UtcParts utcParts(int64_t unixMs) {
  using namespace std::chrono;
  const sys_time<milliseconds> instant{milliseconds{unixMs}};
  const sys_days day = floor<days>(instant);
  const year_month_day date{day};
  const hh_mm_ss<milliseconds> time{instant - day};
  return {static_cast<int>(date.year()),
          static_cast<unsigned>(date.month()),
          static_cast<unsigned>(date.day()),
          std::chrono::weekday{day}.c_encoding(),
          static_cast<int>(time.hours().count()),
          static_cast<int>(time.minutes().count()),
          static_cast<int>(time.seconds().count()),
          static_cast<int>(time.subseconds().count())};
}

std::string formatRfc3339Ms(int64_t unixMs) {
  const UtcParts p = utcParts(unixMs);
  char text[40];
  const int length = std::snprintf(text, sizeof(text), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                                   p.year, p.month, p.day, p.hours, p.minutes, p.seconds, p.millis);
  return std::string(text, static_cast<size_t>(length));
}

std::string formatIso8601Seconds(int64_t unixMs) {
  const UtcParts p = utcParts(unixMs);
  char text[40];
  const int length = std::snprintf(text, sizeof(text), "%04d-%02u-%02uT%02d:%02d:%02dZ", p.year,
                                   p.month, p.day, p.hours, p.minutes, p.seconds);
  return std::string(text, static_cast<size_t>(length));
}

std::string formatUtcDate(int64_t unixMs) {
  const UtcParts p = utcParts(unixMs);
  char text[24];
  const int length = std::snprintf(text, sizeof(text), "%04d-%02u-%02u", p.year, p.month, p.day);
  return std::string(text, static_cast<size_t>(length));
}

}  // namespace notify::plugin::common
