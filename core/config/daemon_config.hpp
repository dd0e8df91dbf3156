// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/config/cron_config.hpp"

namespace notify::core {

struct ServerConfig {
  std::string listen = "tcp://127.0.0.1:5560";
  size_t maxFrameBytes = 1 << 20;
  size_t maxBatch = 1000;
  size_t maxPending = 50000;  // requests awaiting commit before new ones get "busy"
};

struct StoreConfig {
  std::string kind = "sqlite";
  std::filesystem::path path = "var/notify.db";
  bool synchronousFull = true;  // "normal" only by explicit opt-in
  std::string url;              // kind "postgres": libpq URL or conninfo, secrets resolved
  size_t poolSize = 8;          // kind "postgres": sessions per node
  int64_t retentionDays = 0;    // finished messages older than this are deleted; 0: never
};

struct DispatchConfig {
  int workers = 16;
  int claimBatch = 256;
  int64_t leaseMs = 60000;
  int64_t sendTimeoutMs = 30000;
  int maxAttempts = 5;
  int64_t maxAgeMs = 86400000;  // a message still not sent after this fails
  int64_t backoffBaseMs = 1000;
  int64_t backoffMaxMs = 300000;
};

// A lane: its own queue and workers, so a marketing backlog never delays a login code. Values
// not set in [lanes.NAME] come from [dispatch].
struct LaneConfig {
  std::string name;
  int workers = 16;
  int maxAttempts = 5;
  int64_t maxAgeMs = 86400000;
  int64_t backoffBaseMs = 1000;
  int64_t backoffMaxMs = 300000;
  // Above 0: where lanes share a provider's rate limit, this lane's waiting messages take the
  // next permit ahead of the queue of other lanes' waiting messages.
  int priority = 0;
};

inline constexpr const char* kDefaultLane = "default";

struct AppConfig {
  std::string name;
  std::string token;  // resolved secret
  std::string owner;
  std::vector<std::string> rateLimits;  // messages accepted from this app, e.g. "1000/s"
};

struct TemplateContent {
  std::string subject;
  std::string body;
  std::vector<std::pair<std::string, std::string>> attrs;
};

struct TemplateConfig {
  std::string name;
  std::vector<std::string> vars;
  std::string defaultChannel;
  std::map<std::string, TemplateContent> content;  // by channel name
  std::string lane = kDefaultLane;
};

struct ChannelConfig {
  std::string name;
  std::string recipient;  // the address kind a message needs in "to", e.g. "email"; may be empty
  std::vector<std::string> providers;
};

struct ProviderConfig {
  std::string name;
  std::string plugin;
  int64_t sendTimeoutMs = 0;                 // 0: [dispatch] send_timeout_ms
  std::vector<std::string> rateLimits;       // "20/min", "3000/s": never exceeded in any window
  int64_t rateMarginMs = -1;                 // added to each window; -1: 0.5% of it, at most 1 s
  // > 0: a "too many requests" answer pauses every send to this provider for at least this long
  // (or its retry-after); 0: only the throttled message waits.
  int64_t throttlePauseMs = 0;
  int circuitFailures = 5;                   // consecutive transient failures that open it
  int64_t circuitCooldownMs = 30000;         // first open period; doubles per failed probe
  std::shared_ptr<const toml::table> table;  // checked against the plugin's parameters later
};

struct DaemonConfig {
  std::filesystem::path file;
  std::filesystem::path baseDir;  // relative paths in the file are taken from here
  std::string logLevel = "info";
  std::string testClock;  // tests only: "start=RFC3339,scale=N[,anchor=UNIXMS]"
  std::vector<std::string> roles = {"ingress", "dispatcher"};
  std::filesystem::path pluginDir = "plugins";
  ServerConfig server;
  StoreConfig store;
  DispatchConfig dispatch;
  std::map<std::string, LaneConfig> lanes;  // always has kDefaultLane
  std::map<std::string, AppConfig> apps;
  std::map<std::string, TemplateConfig> templates;
  std::map<std::string, ChannelConfig> channels;
  std::map<std::string, ProviderConfig> providers;
  std::map<std::string, CronJobConfig> cronJobs;  // [cron.NAME]

  bool hasRole(const std::string& role) const;
};

// Keys of a [providers.NAME] table that belong to the core, not to the plugin.
const std::vector<std::string>& providerReservedKeys();

}  // namespace notify::core
