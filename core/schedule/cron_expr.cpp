// SPDX-License-Identifier: Apache-2.0
#include "core/schedule/cron_expr.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <sstream>
#include <vector>

namespace notify::core {
namespace {

constexpr int64_t kMsPerMinute = 60000;
constexpr int64_t kSearchDays = 8 * 366;

struct FieldSpec {
  const char* name;
  int min;
  int max;
  std::vector<std::string_view> names;  // names[i] means min + i
};

const std::array<FieldSpec, 5> kFields = {{
    {"minute", 0, 59, {}},
    {"hour", 0, 23, {}},
    {"day-of-month", 1, 31, {}},
    {"month",
     1,
     12,
     {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
    // 7 is Sunday too, folded into 0 after parsing.
    {"day-of-week", 0, 7, {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
}};

const std::array<std::pair<std::string_view, std::string_view>, 7> kMacros = {{
    {"@yearly", "0 0 1 1 *"},
    {"@annually", "0 0 1 1 *"},
    {"@monthly", "0 0 1 * *"},
    {"@weekly", "0 0 * * 0"},
    {"@daily", "0 0 * * *"},
    {"@midnight", "0 0 * * *"},
    {"@hourly", "0 * * * *"},
}};

Error fieldError(const FieldSpec& field, std::string_view item, const std::string& why) {
  return makeError("invalid_schedule",
                   std::string(field.name) + " field '" + std::string(item) + "': " + why);
}

std::optional<int> parseValue(const FieldSpec& field, std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  if (std::isdigit(static_cast<unsigned char>(text[0]))) {
    int value = 0;
    for (char c : text) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || value > 1000) {
        return std::nullopt;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
  std::string upper;
  for (char c : text) {
    upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  for (size_t i = 0; i < field.names.size(); ++i) {
    if (upper == field.names[i]) {
      return field.min + static_cast<int>(i);
    }
  }
  return std::nullopt;
}

// Sets the bits of one comma-separated field.
Result<void> parseField(const FieldSpec& field, std::string_view text, std::vector<bool>& bits) {
  bits.assign(static_cast<size_t>(field.max) + 1, false);
  std::string_view rest = text;
  while (true) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    std::string_view range = item;
    int step = 1;
    if (size_t slash = item.find('/'); slash != std::string_view::npos) {
      range = item.substr(0, slash);
      std::optional<int> parsed =
          parseValue(FieldSpec{field.name, 0, 0, {}}, item.substr(slash + 1));
      if (!parsed || *parsed < 1 || *parsed > field.max) {
        return fieldError(field, item,
                          "the step must be a number from 1 to " + std::to_string(field.max));
      }
      step = *parsed;
    }
    int low = field.min;
    int high = field.max;
    if (range != "*") {
      size_t dash = range.find('-');
      std::optional<int> first = parseValue(field, range.substr(0, dash));
      std::optional<int> last =
          dash == std::string_view::npos ? first : parseValue(field, range.substr(dash + 1));
      if (!first || !last) {
        return fieldError(field, item,
                          "not a number" + std::string(field.names.empty() ? "" : " or name"));
      }
      if (*first < field.min || *last > field.max) {
        return fieldError(
            field, item,
            "out of range " + std::to_string(field.min) + "-" + std::to_string(field.max));
      }
      if (*first > *last) {
        return fieldError(field, item, "a range must go upwards");
      }
      low = *first;
      // "5/15" means from 5 to the end, as in Vixie cron.
      high = dash == std::string_view::npos && step > 1 ? field.max : *last;
    }
    for (int v = low; v <= high; v += step) {
      bits[static_cast<size_t>(v)] = true;
    }
    if (comma == std::string_view::npos) {
      return {};
    }
    rest = rest.substr(comma + 1);
  }
}

template <size_t N>
void copyBits(const std::vector<bool>& from, std::bitset<N>& to) {
  for (size_t i = 0; i < N && i < from.size(); ++i) {
    to[i] = from[i];
  }
}

}  // namespace

Result<CronExpr> CronExpr::parse(std::string_view text) {
  CronExpr expr;
  expr.text_ = std::string(text);
  std::string expanded(text);
  for (const auto& [macro, fields] : kMacros) {
    if (text == macro) {
      expanded = std::string(fields);
    }
  }
  std::istringstream in(expanded);
  std::vector<std::string> parts;
  for (std::string part; in >> part;) {
    parts.push_back(part);
  }
  if (parts.size() != 5) {
    return makeError("invalid_schedule",
                     "'" + std::string(text) + "' has " + std::to_string(parts.size()) +
                         " fields; a cron expression has 5: minute hour day-of-month month "
                         "day-of-week (or @hourly, @daily, @weekly, @monthly, @yearly)");
  }
  std::array<std::vector<bool>, 5> bits;
  for (size_t i = 0; i < 5; ++i) {
    if (Result<void> field = parseField(kFields[i], parts[i], bits[i]); !field) {
      return field.error();
    }
  }
  copyBits(bits[0], expr.minutes_);
  copyBits(bits[1], expr.hours_);
  copyBits(bits[2], expr.days_);
  copyBits(bits[3], expr.months_);
  copyBits(bits[4], expr.weekdays_);
  expr.weekdays_[0] = bits[4][0] || bits[4][7];
  expr.daysRestricted_ = parts[2][0] != '*';
  expr.weekdaysRestricted_ = parts[4][0] != '*';
  return expr;
}

bool CronExpr::dayMatches(int month, int day, int weekday) const {
  if (!months_[static_cast<size_t>(month)]) {
    return false;
  }
  bool dom = days_[static_cast<size_t>(day)];
  bool dow = weekdays_[static_cast<size_t>(weekday)];
  if (daysRestricted_ && weekdaysRestricted_) {
    return dom || dow;
  }
  return dom && dow;
}

int64_t CronExpr::instantOf(const LocalDateTime& local, const TimeZone& zone) {
  std::vector<int64_t> instants = zone.fromLocal(local);
  if (!instants.empty()) {
    return instants.front();
  }
  // In a gap: reading the wall time with the offset from before the change lands after it,
  // with the offset from after the change before it; the change lies in between.
  int64_t wallMs = (daysFromCivil(local.year, local.month, local.day) * 86400 + local.hour * 3600 +
                    local.minute * 60) *
                   1000;
  int64_t before = wallMs - zone.offsetMs(wallMs - 86400000);
  int64_t after = wallMs - zone.offsetMs(wallMs + 86400000);
  int64_t lo = std::min(before, after);
  int64_t hi = std::max(before, after);
  int64_t loOffset = zone.offsetMs(lo);
  while (hi - lo > 1000) {
    int64_t mid = lo + (hi - lo) / 2;
    (zone.offsetMs(mid) == loOffset ? lo : hi) = mid;
  }
  return hi - hi % 1000;
}

std::optional<int64_t> CronExpr::nextAfter(int64_t afterMs, const TimeZone& zone) const {
  LocalDateTime start = zone.toLocal(afterMs);
  int64_t firstDay = daysFromCivil(start.year, start.month, start.day);
  for (int64_t dayNumber = firstDay; dayNumber < firstDay + kSearchDays; ++dayNumber) {
    LocalDateTime local;
    civilFromDays(dayNumber, local.year, local.month, local.day);
    if (!months_[static_cast<size_t>(local.month)]) {
      // Jump to the last day of this month; the loop's increment reaches the next month.
      int64_t firstOfNext = local.month == 12 ? daysFromCivil(local.year + 1, 1, 1)
                                              : daysFromCivil(local.year, local.month + 1, 1);
      dayNumber = firstOfNext - 1;
      continue;
    }
    int weekday = static_cast<int>(((dayNumber + 4) % 7 + 7) % 7);
    if (!dayMatches(local.month, local.day, weekday)) {
      continue;
    }
    bool today = dayNumber == firstDay;
    for (int hour = today ? start.hour : 0; hour < 24; ++hour) {
      if (!hours_[static_cast<size_t>(hour)]) {
        continue;
      }
      for (int minute = today && hour == start.hour ? start.minute : 0; minute < 60; ++minute) {
        if (!minutes_[static_cast<size_t>(minute)]) {
          continue;
        }
        local.hour = hour;
        local.minute = minute;
        local.second = 0;
        int64_t at = instantOf(local, zone);
        if (at > afterMs) {
          return at;
        }
      }
    }
  }
  return std::nullopt;
}

}  // namespace notify::core
