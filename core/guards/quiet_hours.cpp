// SPDX-License-Identifier: Apache-2.0
#include "core/guards/quiet_hours.hpp"

namespace notify::core {
namespace {

constexpr int64_t kDayMs = 86400000;
constexpr int64_t kMinuteMs = 60000;

}  // namespace

std::optional<int64_t> quietUntil(const QuietHours& quiet, const TimeZone& zone, int64_t atMs) {
  if (!quiet.enabled()) {
    return std::nullopt;
  }
  LocalDateTime local = zone.toLocal(atMs);
  int minute = local.hour * 60 + local.minute;
  bool wraps = quiet.endMinute < quiet.startMinute;  // e.g. 22:00-08:00
  bool inside = wraps ? (minute >= quiet.startMinute || minute < quiet.endMinute)
                      : (minute >= quiet.startMinute && minute < quiet.endMinute);
  if (!inside) {
    return std::nullopt;
  }
  int64_t days = daysFromCivil(local.year, local.month, local.day);
  if (wraps && minute >= quiet.startMinute) {
    ++days;  // the window ends tomorrow morning
  }
  LocalDateTime end;
  civilFromDays(days, end.year, end.month, end.day);
  end.hour = quiet.endMinute / 60;
  end.minute = quiet.endMinute % 60;
  std::vector<int64_t> instants = zone.fromLocal(end);
  if (!instants.empty()) {
    return instants.front();
  }
  // The end falls into a DST gap: take the wall time as if the offset before it still held.
  int64_t wallMs = (days * 1440 + quiet.endMinute) * kMinuteMs;
  return wallMs - zone.offsetMs(atMs);
}

int64_t localDayStartMs(const TimeZone& zone, int64_t atMs) {
  int64_t localMs = atMs + zone.offsetMs(atMs);
  int64_t intoDay = ((localMs % kDayMs) + kDayMs) % kDayMs;
  return atMs - intoDay;
}

}  // namespace notify::core
