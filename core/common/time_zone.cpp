// SPDX-License-Identifier: Apache-2.0
#include "core/common/time_zone.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string_view>

namespace notify::core {

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t daysFromCivil(int year, int month, int day) {
  int64_t y = year - (month <= 2 ? 1 : 0);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civilFromDays(int64_t days, int& year, int& month, int& day) {
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  int64_t doe = days - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
}

namespace {

bool isLeap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int daysInMonth(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && isLeap(year) ? 29 : kDays[month - 1];
}

int64_t floorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

}  // namespace

// A POSIX TZ rule such as "EST5EDT,M3.2.0,M11.1.0" or "CST-8" (RFC 8536 footer).
struct TimeZone::Rule {
  struct Date {
    char kind = 'M';  // 'M' month.week.day, 'J' Julian 1-365 without Feb 29, 'N' zero-based day
    int month = 0, week = 0, weekday = 0, day = 0;
    int64_t timeSec = 7200;
  };
  int32_t stdOffsetSec = 0;  // east of UTC, as in TZif (POSIX writes the opposite sign)
  bool hasDst = false;
  int32_t dstOffsetSec = 0;
  Date start, end;

  // Seconds from the start of the year (local) to the date, in that year.
  static int64_t dayOfYear(const Date& d, int year) {
    int64_t jan1 = daysFromCivil(year, 1, 1);
    if (d.kind == 'J') {
      int n = d.day;  // 1..365, Feb 29 never counted
      int64_t days = n - 1;
      if (isLeap(year) && n >= 60) {
        ++days;
      }
      return days;
    }
    if (d.kind == 'N') {
      return d.day;
    }
    int64_t first = daysFromCivil(year, d.month, 1);
    int firstWeekday = static_cast<int>(((first + 4) % 7 + 7) % 7);
    int64_t dayOfMonth = 1 + (d.weekday - firstWeekday + 7) % 7 + 7 * (d.week - 1);
    while (dayOfMonth > daysInMonth(year, d.month)) {
      dayOfMonth -= 7;  // week 5 means the last such weekday
    }
    return first + dayOfMonth - 1 - jan1;
  }

  int32_t offsetAt(int64_t unixSec) const {
    if (!hasDst) {
      return stdOffsetSec;
    }
    int year, month, day;
    civilFromDays(floorDiv(unixSec + stdOffsetSec, 86400), year, month, day);
    int64_t yearStart = daysFromCivil(year, 1, 1) * 86400;
    int64_t dstStarts = yearStart + dayOfYear(start, year) * 86400 + start.timeSec - stdOffsetSec;
    int64_t dstEnds = yearStart + dayOfYear(end, year) * 86400 + end.timeSec - dstOffsetSec;
    bool inDst = dstStarts < dstEnds ? (unixSec >= dstStarts && unixSec < dstEnds)
                                     : !(unixSec >= dstEnds && unixSec < dstStarts);
    return inDst ? dstOffsetSec : stdOffsetSec;
  }
};

namespace {

class RuleParser {
 public:
  explicit RuleParser(std::string_view text) : text_(text) {}

  std::optional<TimeZone::Rule> parse() {
    TimeZone::Rule rule;
    if (!name()) {
      return std::nullopt;
    }
    std::optional<int64_t> stdOff = offset();
    if (!stdOff) {
      return std::nullopt;
    }
    rule.stdOffsetSec = static_cast<int32_t>(-*stdOff);
    if (at_ == text_.size()) {
      return rule;
    }
    if (!name()) {
      return std::nullopt;
    }
    rule.hasDst = true;
    rule.dstOffsetSec = rule.stdOffsetSec + 3600;
    if (at_ < text_.size() && text_[at_] != ',') {
      std::optional<int64_t> dstOff = offset();
      if (!dstOff) {
        return std::nullopt;
      }
      rule.dstOffsetSec = static_cast<int32_t>(-*dstOff);
    }
    if (at_ == text_.size()) {
      // No rule given: POSIX's default is the US rule.
      rule.start = {'M', 3, 2, 0, 0, 7200};
      rule.end = {'M', 11, 1, 0, 0, 7200};
      return rule;
    }
    if (!take(',') || !date(rule.start) || !take(',') || !date(rule.end) || at_ != text_.size()) {
      return std::nullopt;
    }
    return rule;
  }

 private:
  bool take(char c) {
    if (at_ < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }

  bool name() {
    if (take('<')) {
      size_t close = text_.find('>', at_);
      if (close == std::string_view::npos) {
        return false;
      }
      at_ = close + 1;
      return true;
    }
    size_t begin = at_;
    while (at_ < text_.size() && std::isalpha(static_cast<unsigned char>(text_[at_]))) {
      ++at_;
    }
    return at_ - begin >= 3;
  }

  std::optional<int64_t> number() {
    size_t begin = at_;
    int64_t value = 0;
    while (at_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[at_]))) {
      value = value * 10 + (text_[at_++] - '0');
    }
    return at_ == begin ? std::nullopt : std::optional<int64_t>(value);
  }

  // [+-]hh[:mm[:ss]] in seconds.
  std::optional<int64_t> offset() {
    int64_t sign = 1;
    if (take('-')) {
      sign = -1;
    } else {
      take('+');
    }
    std::optional<int64_t> hours = number();
    if (!hours) {
      return std::nullopt;
    }
    int64_t seconds = *hours * 3600;
    if (take(':')) {
      std::optional<int64_t> minutes = number();
      if (!minutes) {
        return std::nullopt;
      }
      seconds += *minutes * 60;
      if (take(':')) {
        std::optional<int64_t> secs = number();
        if (!secs) {
          return std::nullopt;
        }
        seconds += *secs;
      }
    }
    return sign * seconds;
  }

  bool date(TimeZone::Rule::Date& d) {
    if (take('M')) {
      d.kind = 'M';
      auto month = number();
      if (!month || !take('.')) {
        return false;
      }
      auto week = number();
      if (!week || !take('.')) {
        return false;
      }
      auto weekday = number();
      if (!weekday || *month < 1 || *month > 12 || *week < 1 || *week > 5 || *weekday > 6) {
        return false;
      }
      d.month = static_cast<int>(*month);
      d.week = static_cast<int>(*week);
      d.weekday = static_cast<int>(*weekday);
    } else {
      d.kind = take('J') ? 'J' : 'N';
      auto day = number();
      if (!day || *day > 365) {
        return false;
      }
      d.day = static_cast<int>(*day);
    }
    if (take('/')) {
      std::optional<int64_t> time = offset();
      if (!time) {
        return false;
      }
      d.timeSec = *time;
    }
    return true;
  }

  std::string_view text_;
  size_t at_ = 0;
};

// Reads a TZif file (RFC 8536), versions 1 to 4.
class TzifReader {
 public:
  explicit TzifReader(std::string bytes) : bytes_(std::move(bytes)) {}

  bool read(std::vector<TimeZone::Transition>& transitions, int32_t& initialOffset,
            std::string& footer, std::string& error) {
    Header first;
    if (!header(0, first)) {
      error = "not a TZif file";
      return false;
    }
    size_t pos = 44;
    if (first.version == 0) {
      return block(pos, first, 4, transitions, initialOffset, error);
    }
    pos += first.blockSize(4);
    Header second;
    if (!header(pos, second)) {
      error = "truncated TZif file";
      return false;
    }
    pos += 44;
    if (!block(pos, second, 8, transitions, initialOffset, error)) {
      return false;
    }
    pos += second.blockSize(8);
    if (pos < bytes_.size() && bytes_[pos] == '\n') {
      size_t end = bytes_.find('\n', pos + 1);
      if (end != std::string::npos) {
        footer = bytes_.substr(pos + 1, end - pos - 1);
      }
    }
    return true;
  }

 private:
  struct Header {
    int version = 0;
    uint32_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
    size_t blockSize(size_t timeSize) const {
      return timecnt * timeSize + timecnt + typecnt * 6 + charcnt + leapcnt * (timeSize + 4) +
             isstdcnt + isutcnt;
    }
  };

  uint32_t be32(size_t at) const {
    auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes_[i])); };
    return (b(at) << 24) | (b(at + 1) << 16) | (b(at + 2) << 8) | b(at + 3);
  }

  int64_t be64(size_t at) const {
    return static_cast<int64_t>((static_cast<uint64_t>(be32(at)) << 32) | be32(at + 4));
  }

  bool header(size_t at, Header& h) const {
    if (bytes_.size() < at + 44 || bytes_.compare(at, 4, "TZif") != 0) {
      return false;
    }
    char v = bytes_[at + 4];
    h.version = v == 0 ? 0 : v - '0';
    h.isutcnt = be32(at + 20);
    h.isstdcnt = be32(at + 24);
    h.leapcnt = be32(at + 28);
    h.timecnt = be32(at + 32);
    h.typecnt = be32(at + 36);
    h.charcnt = be32(at + 40);
    return h.typecnt > 0;
  }

  bool block(size_t at, const Header& h, size_t timeSize,
             std::vector<TimeZone::Transition>& transitions, int32_t& initialOffset,
             std::string& error) const {
    if (bytes_.size() < at + h.blockSize(timeSize)) {
      error = "truncated TZif data";
      return false;
    }
    size_t indices = at + h.timecnt * timeSize;
    size_t types = indices + h.timecnt;
    auto offsetOfType = [&](size_t type) { return static_cast<int32_t>(be32(types + type * 6)); };
    initialOffset = offsetOfType(0);
    transitions.clear();
    for (uint32_t i = 0; i < h.timecnt; ++i) {
      int64_t when = timeSize == 8 ? be64(at + i * 8) : static_cast<int32_t>(be32(at + i * 4));
      auto type = static_cast<unsigned char>(bytes_[indices + i]);
      if (type >= h.typecnt) {
        error = "TZif transition names an unknown type";
        return false;
      }
      transitions.push_back({when, offsetOfType(type)});
    }
    return true;
  }

  std::string bytes_;
};

bool validZoneName(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
           c == '+';
  });
}

}  // namespace

TimeZone::TimeZone(std::string name, std::vector<Transition> transitions, int32_t initialOffsetSec,
                   std::shared_ptr<const Rule> rule)
    : name_(std::move(name)),
      transitions_(std::move(transitions)),
      initialOffsetSec_(initialOffsetSec),
      rule_(std::move(rule)) {}

std::shared_ptr<const TimeZone> TimeZone::utc() {
  static const auto zone =
      std::make_shared<const TimeZone>("UTC", std::vector<Transition>{}, 0, nullptr);
  return zone;
}

std::shared_ptr<const TimeZone> TimeZone::find(const std::string& name, std::string& error) {
  if (name == "UTC" || name == "Etc/UTC" || name == "Z") {
    return utc();
  }
  if (!validZoneName(name)) {
    error = "'" + name + "' is not a time zone name (like Asia/Shanghai)";
    return nullptr;
  }
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const TimeZone>> cache;
  std::lock_guard lock(mutex);
  if (auto it = cache.find(name); it != cache.end()) {
    return it->second;
  }
  const char* dir = std::getenv("TZDIR");
  std::string path = std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "unknown time zone '" + name + "' (no " + path + "; is the tzdata package installed?)";
    return nullptr;
  }
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::vector<Transition> transitions;
  int32_t initial = 0;
  std::string footer;
  if (!TzifReader(bytes.str()).read(transitions, initial, footer, error)) {
    error = path + ": " + error;
    return nullptr;
  }
  std::shared_ptr<const Rule> rule;
  if (!footer.empty()) {
    std::optional<Rule> parsed = RuleParser(footer).parse();
    if (!parsed) {
      error = path + ": cannot read its rule '" + footer + "'";
      return nullptr;
    }
    rule = std::make_shared<const Rule>(*parsed);
  }
  auto zone = std::make_shared<const TimeZone>(name, std::move(transitions), initial, rule);
  cache.emplace(name, zone);
  return zone;
}

int32_t TimeZone::offsetSecAt(int64_t unixSec) const {
  if (transitions_.empty() || unixSec >= transitions_.back().atSec) {
    if (rule_) {
      return rule_->offsetAt(unixSec);
    }
    return transitions_.empty() ? initialOffsetSec_ : transitions_.back().offsetSec;
  }
  auto after = std::upper_bound(transitions_.begin(), transitions_.end(), unixSec,
                                [](int64_t t, const Transition& tr) { return t < tr.atSec; });
  return after == transitions_.begin() ? initialOffsetSec_ : std::prev(after)->offsetSec;
}

int64_t TimeZone::offsetMs(int64_t unixMs) const {
  return static_cast<int64_t>(offsetSecAt(floorDiv(unixMs, 1000))) * 1000;
}

LocalDateTime TimeZone::toLocal(int64_t unixMs) const {
  int64_t localSec = floorDiv(unixMs, 1000) + offsetSecAt(floorDiv(unixMs, 1000));
  int64_t days = floorDiv(localSec, 86400);
  int64_t secOfDay = localSec - days * 86400;
  LocalDateTime local;
  civilFromDays(days, local.year, local.month, local.day);
  local.hour = static_cast<int>(secOfDay / 3600);
  local.minute = static_cast<int>(secOfDay / 60 % 60);
  local.second = static_cast<int>(secOfDay % 60);
  local.weekday = static_cast<int>(((days + 4) % 7 + 7) % 7);
  return local;
}

std::vector<int64_t> TimeZone::fromLocal(const LocalDateTime& local) const {
  int64_t wall = daysFromCivil(local.year, local.month, local.day) * 86400 + local.hour * 3600 +
                 local.minute * 60 + local.second;
  // The instant is within a day of the wall reading; at most one transition lies in between.
  std::vector<int64_t> instants;
  for (int32_t offset : {offsetSecAt(wall - 93600), offsetSecAt(wall + 93600)}) {
    int64_t candidate = wall - offset;
    if (offsetSecAt(candidate) == offset &&
        std::find(instants.begin(), instants.end(), candidate * 1000) == instants.end()) {
      instants.push_back(candidate * 1000);
    }
  }
  std::sort(instants.begin(), instants.end());
  return instants;
}

}  // namespace notify::core
