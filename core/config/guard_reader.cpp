// SPDX-License-Identifier: Apache-2.0
#include "core/config/guard_reader.hpp"

#include "core/config/toml_reader.hpp"
#include "core/dispatch/rate_limiter.hpp"

namespace notify::core {
namespace {

std::optional<int> minuteOf(const std::string& text) {
  if (text.size() != 5 || text[2] != ':') {
    return std::nullopt;
  }
  auto digit = [&](size_t i) { return text[i] >= '0' && text[i] <= '9' ? text[i] - '0' : -100; };
  int hour = digit(0) * 10 + digit(1);
  int minute = digit(3) * 10 + digit(4);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) {
    return std::nullopt;
  }
  return hour * 60 + minute;
}

void readCaps(const toml::table& root, DaemonConfig& config, ConfigErrors& errors) {
  eachInArray(
      root, "frequency_caps", errors, [&](const toml::table& table, const std::string& path) {
        const toml::table* t = &table;
        checkKnownKeys(*t, path, {"name", "channel", "lane", "limit"}, errors);
        FrequencyCapConfig cap;
        cap.name = path;
        TomlReader r(*t, path, errors);
        r.string("name", cap.name);
        r.string("channel", cap.channel);
        r.string("lane", cap.lane);
        r.string("limit", cap.text, true);
        if (Result<RateWindow> window = parseRateWindow(cap.text); window) {
          cap.limit = window->limit;
          cap.windowMs = window->windowMs;
          if (cap.windowMs > 30LL * 86400000) {
            errors.add(t->source(), path + ".limit", "the window may be at most 30 days");
          }
        } else if (!cap.text.empty()) {
          errors.add(t->source(), path + ".limit", window.error().message);
        }
        if (!cap.channel.empty() && config.channels.count(cap.channel) == 0) {
          errors.add(t->source(), path + ".channel", "unknown channel '" + cap.channel + "'");
        }
        if (!cap.lane.empty() && config.lanes.count(cap.lane) == 0) {
          errors.add(t->source(), path + ".lane", "unknown lane '" + cap.lane + "'");
        }
        config.frequencyCaps.push_back(std::move(cap));
      });
}

}  // namespace

std::optional<std::pair<int, int>> parseQuietHours(const std::string& text) {
  size_t dash = text.find('-');
  if (dash == std::string::npos) {
    return std::nullopt;
  }
  auto start = minuteOf(text.substr(0, dash));
  auto end = minuteOf(text.substr(dash + 1));
  if (!start || !end || *start == *end) {
    return std::nullopt;
  }
  return std::make_pair(*start, *end);
}

void readLaneGuards(const toml::table& t, const std::string& path, LaneConfig& lane,
                    ConfigErrors& errors) {
  TomlReader r(t, path, errors);
  int64_t dedupSeconds = lane.dedupWindowMs / 1000;
  r.integer("dedup_window_s", dedupSeconds, 0, 30 * 86400);
  lane.dedupWindowMs = dedupSeconds * 1000;
  std::string quiet;
  r.string("quiet_hours", quiet);
  std::string action = "defer";
  r.string("quiet_action", action);
  if (action != "defer" && action != "suppress") {
    errors.add(t.source(), path + ".quiet_action", "must be \"defer\" or \"suppress\"");
  }
  if (quiet.empty()) {
    return;
  }
  auto window = parseQuietHours(quiet);
  if (!window) {
    errors.add(t.source(), path + ".quiet_hours",
               "must be HH:MM-HH:MM in the recipient's local time, e.g. \"22:00-08:00\"");
  } else if (lane.name == "otp") {
    errors.add(t.source(), path + ".quiet_hours", "the otp lane always bypasses quiet hours");
  } else {
    lane.quietHours = QuietHours{window->first, window->second, action == "suppress"};
  }
}

void readGuards(const toml::table& root, DaemonConfig& config, ConfigErrors& errors) {
  if (const toml::table* t = TomlReader(root, "", errors).table("guards")) {
    checkKnownKeys(*t, "guards", {"idempotency_retention_s", "default_time_zone"}, errors);
    TomlReader r(*t, "guards", errors);
    int64_t retention = config.guards.idempotencyRetentionMs / 1000;
    r.integer("idempotency_retention_s", retention, 1, 365 * 86400);
    config.guards.idempotencyRetentionMs = retention * 1000;
    r.string("default_time_zone", config.guards.defaultTimeZone);
  }
  std::string error;
  config.guards.defaultZone = TimeZone::find(config.guards.defaultTimeZone, error);
  if (!config.guards.defaultZone) {
    errors.add("guards.default_time_zone: " + error);
  }
  readCaps(root, config, errors);
  for (const auto& [name, app] : config.apps) {
    for (const auto& tpl : app.templates) {
      if (config.templates.count(tpl) == 0) {
        errors.add(app.source, "apps." + name + ".templates", "unknown template '" + tpl + "'");
      }
    }
    for (const auto& channel : app.channels) {
      if (config.channels.count(channel) == 0) {
        errors.add(app.source, "apps." + name + ".channels", "unknown channel '" + channel + "'");
      }
    }
  }
}

}  // namespace notify::core
