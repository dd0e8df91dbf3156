// SPDX-License-Identifier: Apache-2.0
#include "core/common/log.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>

#include <atomic>
#include <mutex>

#include "core/common/json_writer.hpp"
#include "core/common/time.hpp"

namespace notify::core {
namespace {

std::atomic<bool> jsonLines{false};

Poco::AutoPtr<Poco::FormattingChannel> channelWith(const char* pattern) {
  Poco::AutoPtr<Poco::PatternFormatter> formatter(new Poco::PatternFormatter(pattern));
  return new Poco::FormattingChannel(formatter, new Poco::ConsoleChannel);
}

const char* levelName(LogLevel level) {
  static const char* kNames[] = {"debug", "info", "warn", "error"};
  return kNames[static_cast<int>(level)];
}

Poco::Logger& logger() {
  static Poco::Logger* instance = [] {
    Poco::AutoPtr<Poco::PatternFormatter> formatter(
        new Poco::PatternFormatter("%Y-%m-%dT%H:%M:%S.%iZ %p %t"));
    Poco::AutoPtr<Poco::FormattingChannel> channel(
        new Poco::FormattingChannel(formatter, new Poco::ConsoleChannel));
    Poco::Logger& root = Poco::Logger::get("notifyd");
    root.setChannel(channel);
    root.setLevel(Poco::Message::PRIO_INFORMATION);
    return &root;
  }();
  return *instance;
}

Poco::Message::Priority toPriority(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return Poco::Message::PRIO_DEBUG;
    case LogLevel::kInfo:
      return Poco::Message::PRIO_INFORMATION;
    case LogLevel::kWarn:
      return Poco::Message::PRIO_WARNING;
    case LogLevel::kError:
      break;
  }
  return Poco::Message::PRIO_ERROR;
}

}  // namespace

void logLine(LogLevel level, std::string_view component, std::string_view text) {
  Poco::Logger& log = logger();
  Poco::Message::Priority priority = toPriority(level);
  if (!log.is(priority)) {
    return;
  }
  std::string line;
  if (jsonLines.load(std::memory_order_relaxed)) {
    JsonWriter w;
    w.beginObject().key("ts").value(formatRfc3339Ms(nowUnixMs())).key("level").value(
        levelName(level));
    w.key("component").value(component).key("msg").value(text).endObject();
    line = w.take();
  } else {
    line.reserve(component.size() + text.size() + 2);
    line.append(component).append(": ").append(text);
  }
  log.log(Poco::Message("notifyd", line, priority));
}

void setJsonLogLines(bool json) {
  jsonLines.store(json);
  logger().setChannel(channelWith(json ? "%t" : "%Y-%m-%dT%H:%M:%S.%iZ %p %t"));
}

bool logEnabled(LogLevel level) {
  return logger().is(toPriority(level));
}

void setLogLevel(LogLevel level) {
  logger().setLevel(toPriority(level));
}

bool parseLogLevel(std::string_view name, LogLevel& out) {
  if (name == "debug") {
    out = LogLevel::kDebug;
  } else if (name == "info") {
    out = LogLevel::kInfo;
  } else if (name == "warn") {
    out = LogLevel::kWarn;
  } else if (name == "error") {
    out = LogLevel::kError;
  } else {
    return false;
  }
  return true;
}

std::string maskAddress(std::string_view address) {
  size_t at = address.find('@');
  if (at != std::string_view::npos) {
    std::string local(address.substr(0, at));
    std::string masked =
        local.empty() ? "" : local.substr(0, 1) + std::string(local.size() - 1, '*');
    return masked + std::string(address.substr(at));
  }
  if (address.size() <= 4) {
    return std::string(address.size(), '*');
  }
  // Keep a prefix (country code and carrier) and the last four digits; a short value keeps
  // less of its tail so that something is always hidden.
  size_t keepTail = address.size() >= 8 ? 4 : address.size() / 2;
  size_t keepHead = address.size() >= 11 ? address.size() - 8 : 1;
  std::string out(address.substr(0, keepHead));
  out.append(address.size() - keepHead - keepTail, '*');
  out.append(address.substr(address.size() - keepTail));
  return out;
}

}  // namespace notify::core
