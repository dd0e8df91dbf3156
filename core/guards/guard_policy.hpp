// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>

#include "core/common/result.hpp"
#include "core/config/daemon_config.hpp"
#include "core/protocol/request.hpp"
#include "core/store/message.hpp"

namespace notify::core {

// The app's own rules: allowed templates and channels ("template_not_allowed",
// "channel_not_allowed"). Pure.
Result<void> checkAppRules(const AppConfig& app, const std::string& templateName,
                           const std::string& channel);

// Recipient addresses: phone numbers in E.164, email syntax, and the channel's recipient_pattern
// for the address kind the channel needs ("invalid_recipient", field "to.KIND").
Result<void> checkRecipients(const ChannelConfig& channel, const KeyValues& to);

// Quiet hours of the message's lane in the recipient's zone ("to".tz, else [guards]
// default_time_zone): a message due inside them is deferred to their end (sendAtMs) or
// suppressed, per the lane's quiet_action. The otp lane always bypasses them. An unknown "to".tz
// is "invalid_recipient". Pure.
Result<void> applyQuietHours(const DaemonConfig& config, const SendRequest& request,
                             NewMessage& message, int64_t nowMs);

// The current day of app's daily quota (days of [guards] default_time_zone): its start and the
// key of the guard marks that count its usage. Pure.
struct QuotaDay {
  int64_t startMs = 0;
  std::string key;
};
QuotaDay quotaDay(const DaemonConfig& config, const AppConfig& app, int64_t nowMs);

// What the store must decide atomically for this message: the payload hash and retention of its
// idempotency key, content dedup, frequency caps and the app's daily quota. The message must be
// rendered (subject, body, attrs) and routed (channel, lane) already. Pure.
void addGuardChecks(const DaemonConfig& config, const AppConfig& app, const TemplateConfig& tpl,
                    const SendRequest& request, NewMessage& message, int64_t nowMs);

}  // namespace notify::core
