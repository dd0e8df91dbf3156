// SPDX-License-Identifier: Apache-2.0
#include "core/dispatch/rate_limiter.hpp"

#include <algorithm>
#include <charconv>

namespace notify::core {
namespace {

Error badRate(std::string_view text) {
  return makeError("bad_config",
                   "rate '" + std::string(text) +
                       "' is not COUNT/WINDOW such as 3000/s, 20/min, 20/60s, 50/day");
}

int64_t unitMs(std::string_view unit) {
  if (unit == "ms") {
    return 1;
  }
  if (unit == "s" || unit == "sec") {
    return 1000;
  }
  if (unit == "m" || unit == "min") {
    return 60000;
  }
  if (unit == "h" || unit == "hour") {
    return 3600000;
  }
  if (unit == "d" || unit == "day") {
    return 86400000;
  }
  return 0;
}

}  // namespace

Result<RateWindow> parseRateWindow(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return badRate(text);
  }
  RateWindow w;
  std::string_view count = text.substr(0, slash);
  auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), w.limit);
  if (ec != std::errc() || end != count.data() + count.size() || w.limit <= 0) {
    return badRate(text);
  }
  std::string_view span = text.substr(slash + 1);
  int64_t multiple = 1;
  size_t digits = 0;
  while (digits < span.size() && span[digits] >= '0' && span[digits] <= '9') {
    ++digits;
  }
  if (digits > 0) {
    std::from_chars(span.data(), span.data() + digits, multiple);
  }
  int64_t unit = unitMs(span.substr(digits));
  if (unit == 0 || multiple <= 0) {
    return badRate(text);
  }
  w.windowMs = multiple * unit;
  return w;
}

std::string describe(const RateWindow& window) {
  return std::to_string(window.limit) + "/" + std::to_string(window.windowMs) + "ms";
}

RateLimiter::RateLimiter(std::vector<RateWindow> windows, int64_t marginMs)
    : windows_(std::move(windows)) {
  for (const auto& w : windows_) {
    Ring ring;
    ring.window = w;
    ring.spanMs =
        w.windowMs + (marginMs >= 0 ? marginMs : std::min<int64_t>(w.windowMs / 200, 1000));
    ring.grants.assign(static_cast<size_t>(w.limit), 0);
    rings_.push_back(std::move(ring));
  }
}

int64_t RateLimiter::tryAcquire(int64_t nowMs) {
  std::lock_guard lock(mutex_);
  int64_t earliest = pausedUntilMs_ > nowMs ? pausedUntilMs_ : 0;
  for (const Ring& ring : rings_) {
    if (ring.size == ring.grants.size()) {
      // Full: the oldest of the last `limit` grants must have left the window.
      int64_t free = ring.grants[ring.head] + ring.spanMs;
      if (free > nowMs) {
        earliest = std::max(earliest, free);
      }
    }
  }
  if (earliest > 0) {
    return earliest;
  }
  for (Ring& ring : rings_) {
    size_t capacity = ring.grants.size();
    if (ring.size < capacity) {
      ring.grants[(ring.head + ring.size) % capacity] = nowMs;
      ++ring.size;
    } else {
      ring.grants[ring.head] = nowMs;
      ring.head = (ring.head + 1) % capacity;
    }
  }
  ++granted_;
  return 0;
}

int64_t RateLimiter::permitTime(uint64_t k, int64_t nowMs) const {
  int64_t at = std::max(nowMs, pausedUntilMs_);
  for (const Ring& ring : rings_) {
    // Read the ring as `limit` grants, oldest first, padding a ring not yet full with grants
    // that have already left the window. Permit k reuses the slot of grant k mod limit, one
    // window span per lap.
    const uint64_t capacity = ring.grants.size();
    const uint64_t pads = capacity - ring.size;
    const uint64_t slot = k % capacity;
    const auto laps = static_cast<int64_t>(k / capacity) + 1;
    int64_t base =
        slot < pads ? nowMs - ring.spanMs : ring.grants[(ring.head + (slot - pads)) % capacity];
    at = std::max(at, base + ring.spanMs * laps);
  }
  return at;
}

int64_t RateLimiter::scheduleWaiter(int64_t nowMs, bool ahead) {
  std::lock_guard lock(mutex_);
  // Two queues of promises: the waiters' and, ahead of it, the priority one's. Each hands out
  // distinct permits; once its last promise has come due, its waiters are served and it starts
  // again from the next permit.
  Promises& queue = ahead ? aheadPromises_ : promises_;
  if (queue.lastMs <= nowMs) {
    queue.next = granted_;
  }
  uint64_t permit = std::max(queue.next, granted_);
  int64_t at = permitTime(permit - granted_, nowMs);
  queue.next = permit + 1;
  queue.lastMs = std::max(queue.lastMs, at);
  return at;
}

void RateLimiter::pauseUntil(int64_t untilMs) {
  std::lock_guard lock(mutex_);
  pausedUntilMs_ = std::max(pausedUntilMs_, untilMs);
}

double RateLimiter::utilisation(int64_t nowMs) const {
  std::lock_guard lock(mutex_);
  double highest = 0;
  for (const Ring& ring : rings_) {
    size_t capacity = ring.grants.size();
    size_t inWindow = 0;
    for (size_t i = 0; i < ring.size; ++i) {
      if (ring.grants[(ring.head + i) % capacity] > nowMs - ring.window.windowMs) {
        ++inWindow;
      }
    }
    highest = std::max(highest, static_cast<double>(inWindow) / static_cast<double>(capacity));
  }
  return highest;
}

std::unique_ptr<RateLimiter> makeRateLimiter(const std::vector<std::string>& limits,
                                             int64_t marginMs) {
  std::vector<RateWindow> windows;
  for (const auto& text : limits) {
    if (Result<RateWindow> window = parseRateWindow(text)) {
      windows.push_back(window.value());
    }
  }
  return std::make_unique<RateLimiter>(std::move(windows), marginMs);
}

}  // namespace notify::core
