// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/config/key_check.hpp"

namespace notify::core {

// One [alerts.NAME] rule. What threshold means depends on the kind:
//   failure_rate        percent of finished messages that failed, over window_ms
//   rate_limited_ratio  percent of messages that waited for a rate limit, over window_ms
//   limit_utilisation   percent of the provider's tightest rate window in use now
//   dead_letter_growth  new dead letters over window_ms
//   oldest_queued       age in seconds of the oldest waiting message (per lane, or lane)
//   circuit_open        the provider's circuit is open (threshold unused)
//   quota_nearly_used   percent of its [apps.X] daily_quota an app (app, or any) used today
struct AlertRuleConfig {
  std::string name;
  std::string kind;
  std::string app;       // filters for the rate kinds; empty: any
  std::string channel;
  std::string provider;  // also: the provider of limit_utilisation and circuit_open
  std::string lane;      // oldest_queued; empty: any lane
  double threshold = 0;
  int64_t windowMs = 300000;
  int64_t minMessages = 1;  // rate kinds stay quiet below this many messages in the window
  std::string notify;       // the provider instance the alert is sent through
  std::vector<std::pair<std::string, std::string>> to;  // its recipient, when it needs one
  int64_t cooldownMs = 600000;
};

// [retention]: how long finished messages keep their content and their records. 0: forever.
struct RetentionConfig {
  int64_t bodiesDays = 0;   // subject, body, vars, attrs
  int64_t recordsDays = 0;  // the message row with its events (the send log)
  int64_t batch = 500;      // messages per transaction
  int64_t intervalMs = 60000;
};

// [ops], [alerts.*] and [retention]: the operations HTTP server, alert rules, pruning.
struct OpsConfig {
  std::string listen;  // "127.0.0.1:9560"; empty: no ops server
  int64_t alertIntervalMs = 10000;
  std::vector<AlertRuleConfig> alerts;
  RetentionConfig retention;
};

const std::vector<std::string>& alertKinds();

// Reads [log] (format = "text" | "json") into format.
void readLogConfig(const toml::table& root, std::string& format, ConfigErrors& errors);

// Reads [ops], [alerts.NAME] and [retention] from root into ops, collecting errors. Provider names in the
// rules are checked against knownProviders.
void readOpsConfig(const toml::table& root, const std::vector<std::string>& knownProviders,
                   OpsConfig& ops, ConfigErrors& errors);

}  // namespace notify::core
