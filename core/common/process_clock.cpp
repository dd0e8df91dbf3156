// SPDX-License-Identifier: Apache-2.0
#include "core/common/process_clock.hpp"

#include <atomic>
#include <cmath>
#include <cstdlib>

#include "core/common/time.hpp"

namespace notify::core {
namespace {

// Set once at start-up; read on every nowUnixMs().
std::atomic<bool> gTestClockSet{false};
TestClock gTestClock;

std::optional<double> parseNumber(std::string_view text) {
  std::string copy(text);
  char* end = nullptr;
  double value = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

int64_t TestClock::at(int64_t realMs) const {
  return startMs +
         static_cast<int64_t>(std::llround(static_cast<double>(realMs - anchorRealMs) * scale));
}

std::optional<TestClock> parseTestClock(std::string_view text, int64_t realNowMs,
                                        std::string& error) {
  TestClock clock;
  clock.anchorRealMs = realNowMs;
  bool haveStart = false;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      error = "'" + std::string(part) + "' is not key=value";
      return std::nullopt;
    }
    std::string_view key = part.substr(0, eq);
    std::string_view value = part.substr(eq + 1);
    if (key == "start") {
      std::optional<int64_t> start = parseRfc3339(value);
      if (!start) {
        error = "start: '" + std::string(value) + "' is not RFC 3339 with an offset";
        return std::nullopt;
      }
      clock.startMs = *start;
      haveStart = true;
    } else if (key == "scale") {
      std::optional<double> scale = parseNumber(value);
      if (!scale || *scale <= 0 || *scale > 100000) {
        error = "scale: '" + std::string(value) + "' must be a number in (0, 100000]";
        return std::nullopt;
      }
      clock.scale = *scale;
    } else if (key == "anchor") {
      std::optional<double> anchor = parseNumber(value);
      if (!anchor || *anchor < 0) {
        error = "anchor: '" + std::string(value) + "' must be a Unix time in milliseconds";
        return std::nullopt;
      }
      clock.anchorRealMs = static_cast<int64_t>(*anchor);
    } else {
      error = "unknown part '" + std::string(key) + "'; valid: start, scale, anchor";
      return std::nullopt;
    }
  }
  if (!haveStart) {
    clock.startMs = clock.anchorRealMs;  // only compressed, not shifted
  }
  return clock;
}

void useTestClock(const TestClock& clock) {
  gTestClock = clock;
  gTestClockSet.store(true, std::memory_order_release);
}

int64_t systemUnixMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t processTimeAt(int64_t realMs) {
  if (!gTestClockSet.load(std::memory_order_acquire)) {
    return realMs;
  }
  return gTestClock.at(realMs);
}

int64_t nowUnixMs() {
  return processTimeAt(systemUnixMs());
}

std::chrono::milliseconds realDelay(int64_t clockMs) {
  if (clockMs <= 0) {
    return std::chrono::milliseconds(0);
  }
  if (!gTestClockSet.load(std::memory_order_acquire)) {
    return std::chrono::milliseconds(clockMs);
  }
  auto real = static_cast<int64_t>(std::ceil(static_cast<double>(clockMs) / gTestClock.scale));
  return std::chrono::milliseconds(std::max<int64_t>(real, 1));
}

}  // namespace notify::core
