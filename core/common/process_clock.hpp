// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace notify::core {

// A compressed or shifted clock for tests: time reads startMs at the real instant anchorRealMs
// and then runs scale times faster than the wall clock. Lets a test watch a 20-per-minute window
// for an hour, or a cron job cross a daylight-saving change, in seconds. Never used in
// production: the daemon logs a warning when one is configured.
struct TestClock {
  int64_t startMs = 0;
  double scale = 1.0;
  int64_t anchorRealMs = 0;

  int64_t at(int64_t realMs) const;
};

// Parses "start=2026-03-08T01:59:00-05:00,scale=60[,anchor=1764000000000]". The anchor (a real
// Unix ms) lets several processes share one test clock; it defaults to realNowMs. Returns nullopt
// and sets error (naming the part) when the text is wrong.
std::optional<TestClock> parseTestClock(std::string_view text, int64_t realNowMs,
                                        std::string& error);

// Makes nowUnixMs() (core/common/time.hpp) read the test clock for the rest of the process.
// Call once, at start-up, before any thread reads the time.
void useTestClock(const TestClock& clock);

// The real wall clock, whatever the process clock is.
int64_t systemUnixMs();

// The process clock's reading at the real instant realMs: realMs itself unless a test clock is
// in use. Lets a real clock shared by several processes (the database's) run in test time too.
int64_t processTimeAt(int64_t realMs);

// How long clockMs of process time lasts in real time (clockMs / scale, at least 1 ms when
// clockMs > 0). Everything that waits for a process-clock instant converts through here.
std::chrono::milliseconds realDelay(int64_t clockMs);

}  // namespace notify::core
