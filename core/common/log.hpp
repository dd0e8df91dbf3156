// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

namespace notify::core {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// A thin facade over Poco's logger: one line per call, "component: text". Callers mask
// recipients (maskAddress) and never pass secrets. Thread-safe.
void logLine(LogLevel level, std::string_view component, std::string_view text);
void setLogLevel(LogLevel level);
// Whether a line of this level would be written: check it before building an expensive text.
bool logEnabled(LogLevel level);
// false (default): "TIME Priority component: text"; true: one JSON object per line with
// ts, level, component and msg.
void setJsonLogLines(bool json);
bool parseLogLevel(std::string_view name, LogLevel& out);

inline void logInfo(std::string_view component, std::string_view text) {
  logLine(LogLevel::kInfo, component, text);
}
inline void logWarn(std::string_view component, std::string_view text) {
  logLine(LogLevel::kWarn, component, text);
}
inline void logError(std::string_view component, std::string_view text) {
  logLine(LogLevel::kError, component, text);
}
inline void logDebug(std::string_view component, std::string_view text) {
  logLine(LogLevel::kDebug, component, text);
}

// Masks a phone number or email address for logs and default displays:
// "+8613800001234" -> "+86138****1234", "ann.lee@example.com" -> "a******@example.com".
std::string maskAddress(std::string_view address);

}  // namespace notify::core
