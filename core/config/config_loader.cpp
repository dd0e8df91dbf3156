// SPDX-License-Identifier: Apache-2.0
#include "core/config/config_loader.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/common/process_clock.hpp"
#include "core/config/guard_reader.hpp"
#include "core/config/key_check.hpp"
#include "core/config/route_reader.hpp"
#include "core/config/secret_resolver.hpp"
#include "core/config/template_reader.hpp"
#include "core/config/toml_reader.hpp"
#include "core/dispatch/rate_limiter.hpp"
#include "core/guards/phone_number.hpp"

namespace notify::core {
namespace {

void readNode(const toml::table& root, DaemonConfig& config, ConfigErrors& errors) {
  if (const toml::table* node = TomlReader(root, "", errors).table("node")) {
    checkKnownKeys(*node, "node", {"roles", "log_level", "test_clock"}, errors);
    TomlReader r(*node, "node", errors);
    r.strings("roles", config.roles);
    r.string("log_level", config.logLevel);
    r.string("test_clock", config.testClock);
    if (!config.testClock.empty()) {
      std::string error;
      if (!parseTestClock(config.testClock, 0, error)) {
        errors.add(node->source(), "node.test_clock", error);
      }
    }
    for (const auto& role : config.roles) {
      if (role != "ingress" && role != "dispatcher") {
        errors.add(node->source(), "node.roles",
                   "unknown role '" + role + "'; valid roles: ingress, dispatcher");
      }
    }
    const std::vector<std::string> levels = {"debug", "info", "warn", "error"};
    if (std::find(levels.begin(), levels.end(), config.logLevel) == levels.end()) {
      errors.add(node->source(), "node.log_level", "must be debug, info, warn or error");
    }
  }
}

void readServer(const toml::table& root, DaemonConfig& config, ConfigErrors& errors) {
  if (const toml::table* t = TomlReader(root, "", errors).table("server")) {
    checkKnownKeys(*t, "server", {"listen", "max_frame_bytes", "max_batch", "max_pending"}, errors);
    TomlReader r(*t, "server", errors);
    r.string("listen", config.server.listen);
    r.integer("max_frame_bytes", config.server.maxFrameBytes, 1024, 64 << 20);
    r.integer("max_batch", config.server.maxBatch, 1, 100000);
    r.integer("max_pending", config.server.maxPending, 1, 10000000);
  }
}

// url may hold a password, so "env:NAME" and "file:PATH" are resolved like other secrets; a
// plain URL or conninfo (e.g. one relying on ~/.pgpass) is taken as written.
void readPostgresUrl(const toml::table& t, DaemonConfig& config, ConfigErrors& errors) {
  TomlReader r(t, "store", errors);
  std::string url;
  r.string("url", url, config.store.kind == "postgres");
  r.integer("pool_size", config.store.poolSize, 1, 1000);
  if (url.rfind("env:", 0) == 0 || url.rfind("file:", 0) == 0) {
    Result<std::string> resolved = SecretResolver(config.baseDir).resolve(url);
    if (!resolved) {
      errors.add(t.source(), "store.url", resolved.error().message);
      return;
    }
    url = std::move(resolved).value();
  }
  config.store.url = std::move(url);
}

void readStore(const toml::table& root, DaemonConfig& config, ConfigErrors& errors) {
  if (const toml::table* t = TomlReader(root, "", errors).table("store")) {
    toml::table known = *t;
    if (const toml::node* old = t->get("retention_days")) {
      errors.add(old->source(), "store.retention_days",
                 "was replaced by [retention] events_days (with bodies_days and alerts_days); "
                 "move the value there");
      known.erase("retention_days");  // reported above, not as an unknown key
    }
    checkKnownKeys(known, "store", {"kind", "path", "synchronous", "url", "pool_size"}, errors);
    TomlReader r(*t, "store", errors);
    r.string("kind", config.store.kind);
    std::string path = config.store.path.string();
    r.string("path", path);
    config.store.path = path;
    std::string synchronous = "full";
    r.string("synchronous", synchronous);
    if (synchronous != "full" && synchronous != "normal") {
      errors.add(t->source(), "store.synchronous", "must be \"full\" or \"normal\"");
    }
    config.store.synchronousFull = synchronous == "full";
    if (config.store.kind != "sqlite" && config.store.kind != "postgres") {
      errors.add(t->source(), "store.kind",
                 "unknown store '" + config.store.kind + "'; available: sqlite, postgres");
    }
    readPostgresUrl(*t, config, errors);
  }
  if (config.store.path.is_relative()) {
    config.store.path = config.baseDir / config.store.path;
  }
}

void readDispatch(const toml::table& root, DaemonConfig& config, ConfigErrors& errors) {
  if (const toml::table* t = TomlReader(root, "", errors).table("dispatch")) {
    checkKnownKeys(*t, "dispatch",
                   {"workers", "max_in_flight", "claim_batch", "lease_ms", "send_timeout_ms",
                    "max_attempts", "max_age_ms", "backoff_base_ms", "backoff_max_ms"},
                   errors);
    TomlReader r(*t, "dispatch", errors);
    DispatchConfig& d = config.dispatch;
    r.integer("workers", d.workers, 1, 1024);
    r.integer("max_in_flight", d.maxInFlight, 1, 100000);
    r.integer("claim_batch", d.claimBatch, 1, 10000);
    r.integer("lease_ms", d.leaseMs, 1000, 86400000);
    r.integer("send_timeout_ms", d.sendTimeoutMs, 100, 3600000);
    r.integer("max_attempts", d.maxAttempts, 1, 1000);
    r.integer("max_age_ms", d.maxAgeMs, 1000, 30 * 86400000LL);
    r.integer("backoff_base_ms", d.backoffBaseMs, 1, 86400000);
    r.integer("backoff_max_ms", d.backoffMaxMs, 1, 7 * 86400000LL);
    if (d.sendTimeoutMs >= d.leaseMs) {
      errors.add(t->source(), "dispatch.send_timeout_ms",
                 "must be shorter than lease_ms, or a slow send would be claimed twice");
    }
  }
}

void readLanes(const toml::table& root, DaemonConfig& config, ConfigErrors& errors) {
  const DispatchConfig& d = config.dispatch;
  auto laneFromDefaults = [&](const std::string& name) {
    LaneConfig lane;
    lane.name = name;
    lane.workers = d.workers;
    lane.maxInFlight = d.maxInFlight;
    lane.maxAttempts = d.maxAttempts;
    lane.maxAgeMs = d.maxAgeMs;
    lane.backoffBaseMs = d.backoffBaseMs;
    lane.backoffMaxMs = d.backoffMaxMs;
    return lane;
  };
  config.lanes.emplace(kDefaultLane, laneFromDefaults(kDefaultLane));
  eachNamed(root, "lanes", errors,
            [&](const std::string& name, const toml::table& t, const std::string& path) {
              checkKnownKeys(t, path,
                             {"workers", "max_in_flight", "priority", "max_attempts", "max_age_ms",
                              "backoff_base_ms", "backoff_max_ms", "dedup_window_s", "quiet_hours",
                              "quiet_action"},
                             errors);
              LaneConfig lane = laneFromDefaults(name);
              TomlReader r(t, path, errors);
              r.integer("workers", lane.workers, 1, 1024);
              r.integer("max_in_flight", lane.maxInFlight, 1, 100000);
              r.integer("priority", lane.priority, 0, 100);
              r.integer("max_attempts", lane.maxAttempts, 1, 1000);
              r.integer("max_age_ms", lane.maxAgeMs, 1000, 30 * 86400000LL);
              r.integer("backoff_base_ms", lane.backoffBaseMs, 1, 86400000);
              r.integer("backoff_max_ms", lane.backoffMaxMs, 1, 7 * 86400000LL);
              readLaneGuards(t, path, lane, errors);
              config.lanes[name] = lane;
            });
}

void readPlugins(const toml::table& root, DaemonConfig& config, ConfigErrors& errors) {
  if (const toml::table* t = TomlReader(root, "", errors).table("plugins")) {
    checkKnownKeys(*t, "plugins", {"dir"}, errors);
    std::string dir = config.pluginDir.string();
    TomlReader(*t, "plugins", errors).string("dir", dir);
    config.pluginDir = dir;
  }
  if (config.pluginDir.is_relative()) {
    config.pluginDir = config.baseDir / config.pluginDir;
  }
}

void checkRateLimits(const std::vector<std::string>& limits, const toml::table& t,
                     const std::string& path, ConfigErrors& errors) {
  for (const auto& limit : limits) {
    if (Result<RateWindow> window = parseRateWindow(limit); !window) {
      errors.add(t.source(), path + ".rate_limits", window.error().message);
    }
  }
}

void readApps(const toml::table& root, DaemonConfig& config, ConfigErrors& errors) {
  SecretResolver secrets(config.baseDir);
  eachNamed(
      root, "apps", errors,
      [&](const std::string& name, const toml::table& t, const std::string& path) {
        checkKnownKeys(t, path,
                       {"token", "owner", "rate_limits", "admin", "templates", "channels",
                        "daily_quota", "default_country_code"},
                       errors);
        AppConfig app;
        app.name = name;
        app.source = t.source();
        std::string reference;
        TomlReader r(t, path, errors);
        r.string("token", reference, true);
        r.string("owner", app.owner);
        r.strings("rate_limits", app.rateLimits);
        checkRateLimits(app.rateLimits, t, path, errors);
        r.boolean("admin", app.admin);
        r.strings("templates", app.templates);
        r.strings("channels", app.channels);
        r.integer("daily_quota", app.dailyQuota, 0, INT64_MAX);
        r.string("default_country_code", app.defaultCountryCode);
        if (!app.defaultCountryCode.empty() && !isCountryCallingCode(app.defaultCountryCode)) {
          errors.add(t.source(), path + ".default_country_code",
                     "must be a country calling code: 1 to 3 digits without + or a "
                     "leading 0 (e.g. \"86\"), not \"" +
                         app.defaultCountryCode + "\"");
        }
        if (!reference.empty()) {
          Result<std::string> token = secrets.resolve(reference);
          if (!token) {
            errors.add(t.source(), path + ".token", token.error().message);
          } else if (token->empty()) {
            errors.add(t.source(), path + ".token", "resolves to an empty token");
          } else {
            app.token = std::move(token).value();
          }
        }
        config.apps.emplace(name, std::move(app));
      });
}

void readChannelsAndProviders(const toml::table& root, DaemonConfig& config, ConfigErrors& errors) {
  SecretResolver secrets(config.baseDir);
  eachNamed(root, "providers", errors,
            [&](const std::string& name, const toml::table& t, const std::string& path) {
              ProviderConfig provider;
              provider.name = name;
              provider.table = std::make_shared<toml::table>(t);
              TomlReader r(t, path, errors);
              r.string("plugin", provider.plugin, true);
              r.integer("send_timeout_ms", provider.sendTimeoutMs, 100, 3600000);
              r.strings("rate_limits", provider.rateLimits);
              checkRateLimits(provider.rateLimits, t, path, errors);
              r.integer("rate_margin_ms", provider.rateMarginMs, 0, 60000);
              r.integer("throttle_pause_ms", provider.throttlePauseMs, 0, 86400000);
              r.integer("max_concurrency", provider.maxConcurrency, 0, 100000);
              r.integer("circuit_failures", provider.circuitFailures, 1, 1000);
              r.integer("circuit_cooldown_ms", provider.circuitCooldownMs, 100, 86400000);
              std::string receiptToken;
              r.string("receipt_token", receiptToken);
              if (!receiptToken.empty()) {
                Result<std::string> token = secrets.resolve(receiptToken);
                if (!token) {
                  errors.add(t.source(), path + ".receipt_token", token.error().message);
                } else {
                  provider.receiptToken = std::move(token).value();
                }
              }
              config.providers.emplace(name, std::move(provider));
            });
  eachNamed(root, "channels", errors,
            [&](const std::string& name, const toml::table& t, const std::string& path) {
              checkKnownKeys(t, path, {"providers", "recipient", "recipient_pattern"}, errors);
              ChannelConfig channel;
              channel.name = name;
              TomlReader r(t, path, errors);
              r.strings("providers", channel.providers, true);
              r.string("recipient", channel.recipient);
              r.regex("recipient_pattern", channel.recipientPattern, channel.recipientRegex);
              for (const auto& provider : channel.providers) {
                if (config.providers.count(provider) == 0) {
                  errors.add(t.source(), path + ".providers",
                             "unknown provider '" + provider + "'");
                }
              }
              if (channel.providers.empty() && t.get("providers") != nullptr) {
                errors.add(t.source(), path + ".providers", "needs at least one provider");
              }
              config.channels.emplace(name, std::move(channel));
            });
}

}  // namespace

bool DaemonConfig::hasRole(const std::string& role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

const std::vector<std::string>& providerReservedKeys() {
  static const std::vector<std::string> kKeys = {"plugin",
                                                 "send_timeout_ms",
                                                 "rate_limits",
                                                 "rate_margin_ms",
                                                 "throttle_pause_ms",
                                                 "max_concurrency",
                                                 "circuit_failures",
                                                 "circuit_cooldown_ms",
                                                 "receipt_token"};
  return kKeys;
}

DaemonConfig parseConfig(const std::string& text, const std::filesystem::path& file) {
  DaemonConfig config;
  config.file = file;
  config.baseDir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  toml::table root;
  try {
    root = toml::parse(text, file.string());
  } catch (const toml::parse_error& e) {
    const auto& where = e.source();
    throw ConfigError(file.string() + ":" + std::to_string(where.begin.line) + ":" +
                      std::to_string(where.begin.column) + ": " + std::string(e.description()));
  }
  ConfigErrors errors;
  checkNoNul(root, "", errors);
  checkKnownKeys(root, "",
                 {"node", "server", "store", "dispatch", "lanes", "plugins", "apps", "templates",
                  "channels", "providers", "routes", "guards", "frequency_caps", "ops", "alerts",
                  "log", "retention", "cron"},
                 errors);
  readNode(root, config, errors);
  readServer(root, config, errors);
  readStore(root, config, errors);
  readDispatch(root, config, errors);
  readLanes(root, config, errors);
  readPlugins(root, config, errors);
  readApps(root, config, errors);
  readChannelsAndProviders(root, config, errors);
  readTemplates(root, config, errors);
  readRoutes(root, config, errors);
  readGuards(root, config, errors);
  std::vector<std::string> providerNames;
  for (const auto& [name, provider] : config.providers) {
    providerNames.push_back(name);
  }
  readOpsConfig(root, providerNames, config.ops, errors);
  readLogConfig(root, config.logFormat, errors);
  readCronJobs(root, config, errors);
  if (!errors.empty()) {
    throw ConfigError(errors.joined());
  }
  return config;
}

DaemonConfig loadConfig(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw ConfigError("cannot read configuration file " + file.string());
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parseConfig(text.str(), file);
}

}  // namespace notify::core
