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

#include "core/common/time_zone.hpp"
#include "core/templates/var_rules.hpp"
#include "core/config/ops_config.hpp"
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
};

struct DispatchConfig {
  int workers = 16;
  int maxInFlight = 1024;  // per lane: sends waiting for an answer on the host's HTTP client
  int claimBatch = 256;
  int64_t leaseMs = 60000;
  int64_t sendTimeoutMs = 30000;
  int maxAttempts = 5;
  int64_t maxAgeMs = 86400000;  // a message still not sent after this fails
  int64_t backoffBaseMs = 1000;
  int64_t backoffMaxMs = 300000;
};

// Quiet hours of a lane, in the recipient's local time: [start, end) minutes after midnight,
// wrapping past midnight when end < start. During them a message is deferred to the end of the
// window (stored as scheduled) or suppressed.
struct QuietHours {
  int startMinute = -1;  // -1: none
  int endMinute = -1;
  bool suppress = false;  // false: defer
  bool enabled() const { return startMinute >= 0; }
};

// A lane: its own queue and workers, so a marketing backlog never delays a login code. Values
// not set in [lanes.NAME] come from [dispatch].
struct LaneConfig {
  std::string name;
  int workers = 16;
  int maxInFlight = 1024;
  int maxAttempts = 5;
  int64_t maxAgeMs = 86400000;
  int64_t backoffBaseMs = 1000;
  int64_t backoffMaxMs = 300000;
  int64_t dedupWindowMs = 0;  // same recipient + content within it is a duplicate; 0: off
  QuietHours quietHours;
  // Above 0: where lanes share a provider's rate limit, this lane's waiting messages take the
  // next permit ahead of the queue of other lanes' waiting messages.
  int priority = 0;
};

inline constexpr const char* kDefaultLane = "default";

struct AppConfig {
  std::string name{};
  std::string token{};  // resolved secret
  std::string owner{};
  std::vector<std::string> rateLimits{};  // messages accepted from this app, e.g. "1000/s"
  bool admin = false;                     // may use operator ops (reload)
  std::vector<std::string> templates{};   // allowed templates; empty: any
  std::vector<std::string> channels{};    // allowed channels; empty: any
  int64_t dailyQuota = 0;                 // messages stored per day (default zone); 0: no quota
  std::string defaultCountryCode{};       // "86": national phone numbers become +86…; "": refused
  toml::source_region source{};           // where it is configured, for later checks
};

// What a template says for one channel. Texts may use {{var}}; html is rendered with HTML
// escaping into attrs.html_body, card with JSON escaping into attrs.card; SMS providers get
// their own template id (attrs "template_id@PROVIDER"), the parameter order and a signature.
struct TemplateContent {
  std::string subject;
  std::string body;
  std::string html;
  std::string markdown;
  std::string card;
  std::vector<std::pair<std::string, std::string>> providerTemplates;  // provider, template id
  std::vector<std::string> params;                                     // SMS parameter order
  std::string signature;
  std::vector<std::pair<std::string, std::string>> attrs;
};

struct TemplateConfig {
  std::string name;
  std::vector<std::string> vars;  // declared names, in order
  std::vector<VarSpec> varSpecs;  // the same, with types and constraints
  std::string owner;
  std::string businessLine;
  bool enabled = true;         // false: sends are suppressed with a recorded reason
  int64_t dedupWindowMs = -1;  // -1: the lane's
  std::string defaultChannel;
  std::map<std::string, TemplateContent> content;  // by channel name
  std::string lane = kDefaultLane;
};

struct ChannelConfig {
  std::string name;
  std::string recipient;  // the address kind a message needs in "to", e.g. "email"; may be empty
  std::vector<std::string> providers;
  std::string recipientPattern;  // the whole address must match, e.g. a channel's id format
  std::shared_ptr<const std::regex> recipientRegex;
};

// At most limit messages per windowMs to one recipient, counted per channel (and lane when set).
struct FrequencyCapConfig {
  std::string name;
  std::string channel;  // empty: every channel, counted per channel
  std::string lane;     // empty: every lane
  int64_t limit = 0;
  int64_t windowMs = 0;
  std::string text;  // as configured, e.g. "5/day"
};

struct GuardsConfig {
  int64_t idempotencyRetentionMs = 86400000;    // a key is remembered this long
  std::string defaultTimeZone = "UTC";          // quiet hours and daily quotas without "to".tz
  std::shared_ptr<const TimeZone> defaultZone;  // resolved from defaultTimeZone
};

// One [[routes]] rule: when every given criterion matches, the message goes to channel through
// providers (fail-over order), or, with weights, to one provider drawn by weight first and the
// others after it in order. An empty criterion matches anything.
struct RouteConfig {
  std::string name;
  std::string where;  // file:line:col of the rule, for explanations
  std::vector<std::string> apps;
  std::vector<std::string> templates;
  std::vector<std::string> lanes;
  std::vector<std::string> tags;        // any of them
  std::vector<std::string> recipients;  // address kinds, any of them present in "to"
  std::string channel;
  std::vector<std::string> providers;  // empty: the channel's
  std::vector<int64_t> weights;        // empty: plain fail-over order
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
  int maxConcurrency = 0;                    // its sends in flight at once on a node; 0: no cap
  int circuitFailures = 5;                   // consecutive transient failures that open it
  int64_t circuitCooldownMs = 30000;         // first open period; doubles per failed probe
  std::string receiptToken;  // resolved secret; delivery reports must carry ?token=<it>
  std::shared_ptr<const toml::table> table;  // checked against the plugin's parameters later
};

struct DaemonConfig {
  std::filesystem::path file;
  std::filesystem::path baseDir;  // relative paths in the file are taken from here
  std::string logLevel = "info";
  std::string logFormat = "text";  // [log] format: "text" or "json"
  std::string testClock;  // tests only: "start=RFC3339,scale=N[,anchor=UNIXMS]"
  std::vector<std::string> roles = {"ingress", "dispatcher"};
  std::filesystem::path pluginDir = "plugins";
  std::filesystem::path templateDir;  // empty: only inline [templates.NAME]
  ServerConfig server;
  StoreConfig store;
  DispatchConfig dispatch;
  std::map<std::string, LaneConfig> lanes;  // always has kDefaultLane
  std::map<std::string, AppConfig> apps;
  std::map<std::string, TemplateConfig> templates;
  std::map<std::string, ChannelConfig> channels;
  std::map<std::string, ProviderConfig> providers;
  std::vector<RouteConfig> routes;  // first match wins
  GuardsConfig guards;
  std::vector<FrequencyCapConfig> frequencyCaps;
  OpsConfig ops;  // [ops], [alerts.*]
  std::map<std::string, CronJobConfig> cronJobs;  // [cron.NAME]

  bool hasRole(const std::string& role) const;
};

// Keys of a [providers.NAME] table that belong to the core, not to the plugin.
const std::vector<std::string>& providerReservedKeys();

}  // namespace notify::core
