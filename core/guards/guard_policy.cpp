// SPDX-License-Identifier: Apache-2.0
#include "core/guards/guard_policy.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/SHA1Engine.h>

#include <algorithm>
#include <cstdio>

#include "core/common/time.hpp"
#include "core/guards/quiet_hours.hpp"
#include "core/templates/var_rules.hpp"

namespace notify::core {
namespace {

constexpr int64_t kDayMs = 86400000;
constexpr const char* kTimeZoneKey = "tz";  // the recipient's zone in "to", not an address

// Keys hold hashes, not addresses or content: the marks table never stores personal data.
std::string digestOf(std::initializer_list<std::string_view> parts) {
  Poco::SHA1Engine sha;
  for (std::string_view part : parts) {
    sha.update(part.data(), static_cast<unsigned>(part.size()));
    sha.update('\0');
  }
  return Poco::DigestEngine::digestToHex(sha.digest());
}

// The address the channel delivers to: the kind it needs, else every address given.
std::string recipientOf(const ChannelConfig& channel, const KeyValues& to) {
  std::string all;
  for (const auto& [kind, address] : to) {
    if (kind == kTimeZoneKey) {
      continue;
    }
    if (kind == channel.recipient) {
      return kind + ":" + address;
    }
    all += kind + ":" + address + "\n";
  }
  return all;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

GuardCheck check(GuardCheck::Kind kind, std::string key, int64_t sinceMs, int64_t limit,
                 std::string reason) {
  GuardCheck g;
  g.kind = kind;
  g.key = std::move(key);
  g.sinceMs = sinceMs;
  g.limit = limit;
  g.reason = std::move(reason);
  return g;
}

}  // namespace

Result<void> checkAppRules(const AppConfig& app, const std::string& templateName,
                           const std::string& channel) {
  if (!app.templates.empty() && !contains(app.templates, templateName)) {
    return makeError("template_not_allowed",
                     "app '" + app.name + "' may not use template '" + templateName + "'",
                     "template");
  }
  if (!app.channels.empty() && !contains(app.channels, channel)) {
    return makeError("channel_not_allowed",
                     "app '" + app.name + "' may not send on channel '" + channel + "'", "channel");
  }
  return {};
}

Result<void> checkRecipients(const ChannelConfig& channel, const KeyValues& to) {
  for (const auto& [kind, address] : to) {
    if (kind == "phone" && !isE164Phone(address)) {
      return makeError("invalid_recipient",
                       "'to.phone' must be an E.164 phone number (+ and 8-15 digits); for "
                       "national numbers set the app's default_country_code",
                       "to.phone");
    }
    if (kind == "email" && !isEmailAddress(address)) {
      return makeError("invalid_recipient", "'to.email' must be an email address", "to.email");
    }
    if (kind == channel.recipient && channel.recipientRegex &&
        !std::regex_match(address, *channel.recipientRegex)) {
      return makeError("invalid_recipient",
                       "'to." + kind + "' must match channel '" + channel.name +
                           "' recipient_pattern " + channel.recipientPattern,
                       "to." + kind);
    }
  }
  return {};
}

Result<void> applyQuietHours(const DaemonConfig& config, const SendRequest& request, NewMessage& m,
                             int64_t nowMs) {
  auto lane = config.lanes.find(m.lane);
  if (lane == config.lanes.end() || !lane->second.quietHours.enabled() || m.lane == "otp") {
    return {};
  }
  std::shared_ptr<const TimeZone> zone = config.guards.defaultZone;
  for (const auto& [kind, value] : request.to) {
    if (kind == kTimeZoneKey) {
      std::string error;
      zone = TimeZone::find(value, error);
      if (!zone) {
        return makeError("invalid_recipient", "'to.tz' is not a time zone: " + error, "to.tz");
      }
    }
  }
  if (!zone) {
    zone = TimeZone::utc();
  }
  const QuietHours& quiet = lane->second.quietHours;
  int64_t at = m.sendAtMs > 0 ? m.sendAtMs : nowMs;
  std::optional<int64_t> until = quietUntil(quiet, *zone, at);
  if (!until) {
    return {};
  }
  auto hhmm = [](int minutes) {
    char text[16];  // "hh:mm"; sized for any int so the compiler sees no truncation
    std::snprintf(text, sizeof(text), "%02d:%02d", minutes / 60, minutes % 60);
    return std::string(text);
  };
  std::string why = "quiet hours " + hhmm(quiet.startMinute) + "-" + hhmm(quiet.endMinute) +
                    " in " + zone->name() + " (lane " + m.lane + ")";
  if (quiet.suppress) {
    m.suppressReason = why;
  } else {
    m.sendAtMs = *until;
    m.routeDetail += "; deferred by " + why + " to " + formatRfc3339Ms(*until);
  }
  return {};
}

QuotaDay quotaDay(const DaemonConfig& config, const AppConfig& app, int64_t nowMs) {
  int64_t dayStart = config.guards.defaultZone
                         ? localDayStartMs(*config.guards.defaultZone, nowMs)
                         : nowMs - nowMs % kDayMs;
  return {dayStart, "quota:" + app.name + ":" + std::to_string(dayStart)};
}

void addGuardChecks(const DaemonConfig& config, const AppConfig& app, const TemplateConfig& tpl,
                    const SendRequest& request, NewMessage& m, int64_t nowMs) {
  using Kind = GuardCheck::Kind;
  if (!request.idempotencyKey.empty()) {
    m.payloadHash = digestOf({tpl.name, request.channel, m.toJson, m.varsJson, m.tagsJson,
                              std::to_string(request.sendAtMs.value_or(0))});
    m.idempotencySinceMs = nowMs - config.guards.idempotencyRetentionMs;
  }
  const ChannelConfig& channel = config.channels.at(m.channel);
  std::string recipientDigest;  // a hash per message: computed only when a check needs it
  auto recipient = [&]() -> const std::string& {
    if (recipientDigest.empty()) {
      recipientDigest = digestOf({recipientOf(channel, request.to)});
    }
    return recipientDigest;
  };
  auto lane = config.lanes.find(m.lane);
  int64_t laneDedupMs = lane == config.lanes.end() ? 0 : lane->second.dedupWindowMs;
  int64_t dedupMs = tpl.dedupWindowMs >= 0 ? tpl.dedupWindowMs : laneDedupMs;
  if (dedupMs > 0) {
    m.guards.push_back(
        check(Kind::kDuplicate,
              "dedup:" + digestOf({m.channel, recipient(), m.subject, m.body, m.attrsJson}),
              nowMs - dedupMs, 1,
              "same recipient and content within " + std::to_string(dedupMs / 1000) + " s"));
  }
  for (const FrequencyCapConfig& cap : config.frequencyCaps) {
    if ((!cap.channel.empty() && cap.channel != m.channel) ||
        (!cap.lane.empty() && cap.lane != m.lane)) {
      continue;
    }
    m.guards.push_back(check(Kind::kSuppress,
                             "cap:" + cap.name + ":" + m.channel + ":" + recipient(),
                             nowMs - cap.windowMs, cap.limit,
                             "frequency cap '" + cap.name + "': at most " + cap.text +
                                 " per recipient on channel '" + m.channel + "'"));
  }
  if (app.dailyQuota > 0) {
    QuotaDay day = quotaDay(config, app, nowMs);
    GuardCheck quota = check(Kind::kRefuse, day.key, day.startMs, app.dailyQuota,
                             "app '" + app.name + "' has used its daily quota of " +
                                 std::to_string(app.dailyQuota) + " messages; nothing was stored");
    quota.errorCode = "quota_exceeded";
    m.guards.push_back(std::move(quota));
  }
}

}  // namespace notify::core
