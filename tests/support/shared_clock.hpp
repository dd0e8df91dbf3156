// SPDX-License-Identifier: Apache-2.0
// The test side of notifyd's [node] test_clock: the test picks a start instant and a speed,
// anchors both at its own "now", gives the daemon the same spec, and can then read the
// daemon's time itself. Tests using it link notify_core (for the RFC 3339 parser).
#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>

#include "core/common/time.hpp"

namespace notify::test {

class SharedClock {
 public:
  SharedClock(const std::string& startRfc3339, double scale)
      : startText_(startRfc3339), scale_(scale), anchor_(realNow()) {
    auto start = core::parseRfc3339(startRfc3339);
    if (!start) {
      throw std::invalid_argument("SharedClock: bad start " + startRfc3339);
    }
    startMs_ = *start;
  }

  // The clock as notifyd's [node] test_clock and notify-fakeprov's --clock take it.
  std::string spec() const {
    return "start=" + startText_ + ",scale=" + std::to_string(scale_) +
           ",anchor=" + std::to_string(anchor_);
  }

  // A [node] table giving a daemon this clock (append it to the test configuration).
  std::string toml() const { return "\n[node]\ntest_clock = \"" + spec() + "\"\n"; }

  // The daemon's time now.
  int64_t now() const {
    return startMs_ + std::llround(static_cast<double>(realNow() - anchor_) * scale_);
  }

  // Sleeps until the daemon's clock reads atMs.
  void sleepUntil(int64_t atMs) const {
    int64_t wait = atMs - now();
    if (wait > 0) {
      std::this_thread::sleep_for(
          std::chrono::milliseconds(static_cast<int64_t>(std::ceil(wait / scale_))));
    }
  }

  static int64_t realNow() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }

 private:
  std::string startText_;
  int64_t startMs_ = 0;
  double scale_;
  int64_t anchor_;
};

}  // namespace notify::test
